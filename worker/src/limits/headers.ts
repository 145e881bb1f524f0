import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../platform/env.ts";

/**
 * RateLimit-Limit / -Remaining / -Reset (seconds) on every response whose request was counted,
 * errors included: it runs outermost, after the error handler has built the response.
 */
export const rateLimitHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const state = c.get("rateLimit");
  if (!state) return;
  c.res.headers.set("RateLimit-Limit", String(state.limit));
  c.res.headers.set("RateLimit-Remaining", String(state.remaining));
  c.res.headers.set("RateLimit-Reset", String(Math.max(0, Math.ceil((state.reset - Date.now()) / 1000))));
});
