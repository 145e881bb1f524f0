import { AppError } from "@tron-auth/shared/problems";
import { createMiddleware } from "hono/factory";
import { clientKey } from "../client/identity.ts";
import type { AppEnv } from "../platform/env.ts";
import { consume, rateLimited } from "./limiter.ts";

/**
 * Public routes, by client IP. When Redis does not answer, a public route is served without a
 * limit (fail open): the static ones (JWKS, health, OpenAPI) need nothing else, and the ones
 * that do need Redis (challenge, login, refresh) fail closed with 503 at their own Redis call.
 */
export const publicLimit = createMiddleware<AppEnv>(async (c, next) => {
  let outcome: Awaited<ReturnType<typeof consume>> | undefined;
  try {
    outcome = await consume(c.env, "public", clientKey(c.req));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "rate limiter unavailable; public route served unlimited",
        requestId: c.var.requestId,
      }),
    );
  }
  if (outcome) {
    c.set("rateLimit", outcome);
    if (!outcome.success) throw rateLimited(outcome);
  }
  await next();
});
