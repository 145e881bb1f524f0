import { z } from "zod";
import type { Env } from "../env.ts";
import { bridgeJson } from "./calls.ts";

export type EdgeLoginFailure = { reason: string; address?: string; ip?: string; userAgent?: string };

/**
 * Tells the bridge's audit log about a sign-in the edge refused on its own (reused nonce, wrong
 * domain), so every failed login is on record with its reason. Best effort: a bridge outage must
 * not turn a 401 into a 503, so failures here are logged and dropped.
 */
export async function reportLoginFailure(
  env: Env,
  requestId: string,
  failure: EdgeLoginFailure,
): Promise<void> {
  try {
    await bridgeJson(
      env,
      { sub: "anonymous", roles: [], requestId },
      {
        method: "POST",
        path: "/internal/v1/audit/login-failures",
        schema: z.object({ stored: z.boolean() }),
        payload: failure,
      },
    );
  } catch (error) {
    const code =
      typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown";
    console.warn(JSON.stringify({ level: "warn", msg: "audit report failed", requestId, code }));
  }
}
