import { AppError, readBodyWithin } from "@tron-auth/shared/problems";
import { INTERNAL_ASSERTION_HEADER, REQUEST_ID_HEADER, requestTarget } from "@tron-auth/shared/protocol";
import { createMiddleware } from "hono/factory";
import { AssertionError, type AssertionVerifier } from "../auth/assertion.ts";
import type { BridgeEnv } from "./types.ts";

/**
 * mTLS proves the caller holds the worker's certificate; this proves the worker itself signed
 * this exact request (method, path, query, body) in the last minute, once. Reads the body once,
 * refusing it with 413 as soon as it passes `maxBodyBytes` (chunked bodies included), so the
 * hash is over the bytes received and no caller can make the bridge buffer more.
 * A failure to record the assertion's id (database down) is 503, not a refusal: fail closed,
 * but tell the worker to retry rather than that its assertion was bad.
 */
export function requireAssertion(verify: AssertionVerifier, maxBodyBytes: number) {
  return createMiddleware<BridgeEnv>(async (c, next) => {
    const rawBody = await readBodyWithin(c.req.raw, maxBodyBytes);
    c.set("rawBody", rawBody);
    try {
      const claims = await verify(c.req.header(INTERNAL_ASSERTION_HEADER), {
        method: c.req.method,
        target: requestTarget(new URL(c.req.url)),
        body: rawBody,
      });
      c.set("assertion", claims);
      const rid = c.req.header(REQUEST_ID_HEADER);
      if (rid !== undefined && rid !== claims.rid)
        throw new AssertionError("assertion_invalid", "request id mismatch");
      c.set("log", c.var.log.child({ requestId: claims.rid, actor: claims.sub }));
    } catch (error) {
      if (!(error instanceof AssertionError)) {
        c.var.log.error({ err: error }, "internal assertion could not be checked");
        throw new AppError("service_unavailable", "The bridge cannot check assertions right now.", {
          retryAfter: 5,
        });
      }
      const reason = error.reason;
      c.var.log.warn({ reason }, "internal assertion refused");
      throw new AppError("invalid_assertion", "The internal assertion was refused.", { reason });
    }
    await next();
  });
}
