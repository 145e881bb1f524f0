import type { Role } from "@tron-auth/shared/auth";
import { AppError, isProblemCode, problemSchema } from "@tron-auth/shared/problems";
import { INTERNAL_ASSERTION_HEADER, REQUEST_ID_HEADER } from "@tron-auth/shared/protocol";
import * as z from "zod/mini";
import type * as core from "zod/v4/core";
import { settingsOf } from "../platform/config.ts";
import type { Env } from "../platform/env.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { signAssertion } from "./assertion.ts";
import { bridgeTarget, bridgeUnavailable, callBridge } from "./client.ts";

export type BridgeActor = { sub: string; roles: readonly Role[]; requestId: string };

/**
 * A signed JSON call to the bridge. Problems the bridge returns are re-thrown as AppErrors with
 * the bridge's code, so callers decide what the client sees (login maps every refusal to 401).
 */
export async function bridgeJson<T extends core.$ZodType>(
  env: Env,
  actor: BridgeActor,
  request: { method: string; path: string; schema: T; payload?: unknown; timeoutMs?: number },
): Promise<core.output<T>> {
  const { payload } = request;
  const method = request.method.toUpperCase();
  // Signed and sent in the same normalised form, so the bridge sees exactly what was signed.
  const target = bridgeTarget(request.path);
  const settings = settingsOf(env);
  const ring = await keyRingFrom(env.JWT_SIGNING_KEYS);
  const body = payload === undefined ? "" : JSON.stringify(payload);
  const assertion = await signAssertion(
    ring,
    actor,
    { method, target, body },
    {
      issuer: settings.JWT_ISSUER,
      audience: settings.BRIDGE_AUDIENCE,
    },
  );
  const headers: Record<string, string> = {
    [INTERNAL_ASSERTION_HEADER]: assertion,
    [REQUEST_ID_HEADER]: actor.requestId,
  };
  if (payload !== undefined) headers["content-type"] = "application/json";
  const res = await callBridge(env, target, {
    method,
    headers,
    ...(payload === undefined ? {} : { body }),
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
  });
  const json: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    const parsed = z.safeParse(request.schema, json);
    if (parsed.success) return parsed.data;
    throw bridgeUnavailable("The bridge answered in an unexpected shape.");
  }
  const problem = problemSchema.safeParse(json);
  const code = problem.success ? problem.data.code : "";
  // A 500 is the bridge failing, not its verdict: to the caller the bridge is unavailable.
  if (problem.success && isProblemCode(code) && res.status !== 500) {
    // The policy's `reason` (e.g. per_day_cap) tells the client what to change; nothing else passes.
    const { detail, reason, retryAfter } = problem.data;
    throw new AppError(code, detail, {
      ...(typeof reason === "string" ? { reason } : {}),
      // Every 5xx the edge gives tells the client when to come back (the bridge's hint, else 30 s),
      // and so does a bridge 429 that carries one (a user's signing line is full).
      ...(res.status >= 500
        ? { retryAfter: retryAfter ?? 30 }
        : retryAfter === undefined
          ? {}
          : { retryAfter }),
    });
  }
  // A 5xx without a problem document is a proxy or crash in between, and a code the catalog does
  // not hold is a bridge of another version: either way the bridge is not answering as expected.
  throw bridgeUnavailable("The bridge answered unexpectedly.");
}
