import { AppError } from "@tron-auth/shared/problems";
import { INTERNAL_ASSERTION_HEADER, REQUEST_ID_HEADER } from "@tron-auth/shared/protocol";
import { createMiddleware } from "hono/factory";
import { AssertionError, type AssertionVerifier } from "../auth/assertion.ts";
import type { BridgeEnv } from "./types.ts";

/**
 * mTLS proves the caller holds the worker's certificate; this proves the worker itself signed
 * this exact request in the last minute. Reads the body once (bounded by the body limit that
 * runs before it) so the hash is over the bytes received.
 */
export function requireAssertion(verify: AssertionVerifier) {
  return createMiddleware<BridgeEnv>(async (c, next) => {
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    c.set("rawBody", rawBody);
    try {
      const claims = await verify(c.req.header(INTERNAL_ASSERTION_HEADER), rawBody);
      c.set("assertion", claims);
      const rid = c.req.header(REQUEST_ID_HEADER);
      if (rid !== undefined && rid !== claims.rid)
        throw new AssertionError("assertion_invalid", "request id mismatch");
      c.set("log", c.var.log.child({ requestId: claims.rid, actor: claims.sub }));
    } catch (error) {
      const reason = error instanceof AssertionError ? error.reason : "assertion_invalid";
      c.var.log.warn({ reason }, "internal assertion refused");
      throw new AppError("invalid_assertion", "The internal assertion was refused.", { reason });
    }
    await next();
  });
}
