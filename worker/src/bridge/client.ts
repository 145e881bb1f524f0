import { AppError } from "@tron-auth/shared/problems";
import { requestTarget } from "@tron-auth/shared/protocol";
import { settingsOf } from "../platform/config.ts";
import type { Env } from "../platform/env.ts";
import { breakerFor } from "./breaker.ts";

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
 * every failure below the HTTP layer becomes one clean `bridge_unavailable` problem. Calls go
 * through the route's circuit breaker: while the bridge is not answering, callers get that 503 at
 * once instead of each holding a request open until its timeout.
 */
export async function callBridge(env: Env, path: string, options: BridgeCallOptions = {}): Promise<Response> {
  const route = env.BRIDGE ?? env.BRIDGE_FORWARDER_URL;
  if (route === undefined) throw bridgeUnavailable("No route to the bridge is configured (BRIDGE binding).");
  // Read before admitting, so a bad setting cannot leave a probe admitted and never finished.
  const { failures, coolDownMs } = breakerSettings(env);
  const breaker = breakerFor(route);
  const admission = breaker.admit(Date.now());
  if (admission === undefined) throw bridgeUnavailable("The bridge is not answering; try again shortly.");
  const init: RequestInit = {
    method: options.method ?? "GET",
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
  if (options.headers !== undefined) init.headers = options.headers;
  if (options.body !== undefined) init.body = options.body;
  let res: Response;
  try {
    res = env.BRIDGE
      ? await env.BRIDGE.fetch(new URL(path, env.BRIDGE_ORIGIN ?? DEFAULT_ORIGIN).toString(), init)
      : // Local development only (wrangler dev has no mTLS bindings): a forwarder on this machine
        // holds the development client certificate and opens the mTLS connection to the bridge.
        await fetch(new URL(path, env.BRIDGE_FORWARDER_URL).toString(), init);
  } catch (cause) {
    breaker.unanswered(admission, Date.now(), { failures, coolDownMs });
    throw bridgeUnavailable("The bridge could not be reached.", cause);
  }
  if (answeredAsBridge(res)) breaker.answered();
  else breaker.unanswered(admission, Date.now(), { failures, coolDownMs });
  return res;
}

/**
 * Whether a response is the bridge's own answer. A 5xx with the bridge's problem document (a
 * wallet device unplugged, its database away) comes from a live bridge that answered at once, so
 * it must not open the breaker (an unplugged Ledger would otherwise stop sign-ins too); a 500, or
 * a 5xx without a problem document (a proxy's page, a crash in between), is no answer.
 */
function answeredAsBridge(res: Response): boolean {
  if (res.status < 500) return true;
  const problem = res.headers.get("content-type")?.startsWith("application/problem+json") ?? false;
  return problem && res.status !== 500;
}

function breakerSettings(env: Env): { failures: number; coolDownMs: number } {
  const s = settingsOf(env);
  return { failures: s.BRIDGE_BREAKER_FAILURES, coolDownMs: s.BRIDGE_BREAKER_COOLDOWN_MS };
}

/**
 * 503 `bridge_unavailable` for anything the Pi did not answer as it should: the client may retry
 * after 30 s (an outage of the Pi is minutes, not milliseconds). The cause is kept, never shown.
 */
export function bridgeUnavailable(detail: string, cause?: unknown): AppError {
  return new AppError("bridge_unavailable", detail, { retryAfter: 30 }, { cause });
}
