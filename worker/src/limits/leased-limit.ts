import type { Context } from "hono";
import { settingsOf } from "../platform/config.ts";
import type { AppEnv } from "../platform/env.ts";
import { LeaseBook } from "./lease.ts";
import { consume, type LimitOutcome, limitOf, type Tier } from "./limiter.ts";

/** This isolate's leases: module state lives as long as the isolate. */
const isolateLeases = new LeaseBook();

/**
 * Units per lease: RATE_LIMIT_LEASE, but never more than a tenth of the tier's limit, since about
 * a lease per isolate is what a user may be refused early by (see LeaseBook).
 */
export function leaseSizeFor(limit: number, configured: number): number {
  return Math.max(1, Math.min(configured, Math.floor(limit / 10)));
}

/**
 * One unit of `identifier`'s window for an ordinary authenticated request, from this isolate's
 * lease when it holds one (no Upstash request), else by leasing a share of the window in one
 * round trip. Privileged routes call `consume` instead: every request counted in Redis.
 */
export function consumeLeased(c: Context<AppEnv>, tier: Tier, identifier: string): Promise<LimitOutcome> {
  const env = c.env;
  const limit = limitOf(env, tier);
  const s = settingsOf(env);
  const size = leaseSizeFor(limit, s.RATE_LIMIT_LEASE);
  // Each configuration is its own account, as each is its own limiter.
  const key = `${env.UPSTASH_REDIS_REST_URL}|${tier}|${limit}|${s.RATE_LIMIT_WINDOW_SECONDS}|${identifier}`;
  return isolateLeases.take(
    key,
    size,
    (units) => consume(env, tier, identifier, units),
    Date.now(),
    (p) => keepAlive(c, p),
  );
}

function keepAlive(c: Context<AppEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No ExecutionContext (app.request in a unit test): nothing can cancel the request either.
  }
}
