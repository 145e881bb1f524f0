import { AppError } from "@tron-auth/shared/problems";
import { requestTarget } from "@tron-auth/shared/protocol";
import type { Env } from "../platform/env.ts";

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_ORIGIN = "https://bridge.internal";

export type BridgeCallOptions = { method?: string; body?: string; timeoutMs?: number; headers?: HeadersInit };

/**
 * The origin-form target `path` resolves to. A path is resolved against an origin before it is
 * sent anyway; doing it once here means the target the assertion names is the one on the wire.
 */
export function bridgeTarget(path: string): string {
  return requestTarget(new URL(path, DEFAULT_ORIGIN));
}

/**
 * Calls the bridge through the mTLS binding. A failed TLS handshake (missing or refused client
 * certificate) surfaces in workerd as an opaque exception, and an unreachable Pi as a hang, so
 * every failure below the HTTP layer becomes one clean `bridge_unavailable` problem.
 */
export async function callBridge(env: Env, path: string, options: BridgeCallOptions = {}): Promise<Response> {
  const init: RequestInit = {
    method: options.method ?? "GET",
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
  if (options.headers !== undefined) init.headers = options.headers;
  if (options.body !== undefined) init.body = options.body;
  try {
    if (env.BRIDGE)
      return await env.BRIDGE.fetch(new URL(path, env.BRIDGE_ORIGIN ?? DEFAULT_ORIGIN).toString(), init);
    // Local development only (wrangler dev has no mTLS bindings): a forwarder on this machine
    // holds the development client certificate and opens the mTLS connection to the bridge.
    if (env.BRIDGE_FORWARDER_URL)
      return await fetch(new URL(path, env.BRIDGE_FORWARDER_URL).toString(), init);
  } catch (cause) {
    throw bridgeUnavailable("The bridge could not be reached.", cause);
  }
  throw bridgeUnavailable("No route to the bridge is configured (BRIDGE binding).");
}

/**
 * 503 `bridge_unavailable` for anything the Pi did not answer as it should: the client may retry
 * after 30 s (an outage of the Pi is minutes, not milliseconds). The cause is kept, never shown.
 */
export function bridgeUnavailable(detail: string, cause?: unknown): AppError {
  return new AppError("bridge_unavailable", detail, { retryAfter: 30 }, { cause });
}
