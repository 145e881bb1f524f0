import { AppError } from "@tron-auth/shared/problems";
import { Ratelimit } from "@upstash/ratelimit";
import { type Settings, settingsOf } from "../platform/config.ts";
import type { Env, RateLimitState } from "../platform/env.ts";
import { redisFor, redisOp } from "../platform/redis.ts";

/** Each tier is one sliding window (@upstash/ratelimit), keyed by IP, user or address. */
export type Tier = "public" | "user" | "privileged" | "challenge" | "login";

const LIMIT_OF: Record<Tier, (s: Settings) => number> = {
  public: (s) => s.RATE_LIMIT_PUBLIC,
  user: (s) => s.RATE_LIMIT_USER,
  privileged: (s) => s.RATE_LIMIT_PRIVILEGED,
  challenge: (s) => s.RATE_LIMIT_CHALLENGE,
  login: (s) => s.RATE_LIMIT_LOGIN,
};

const limiters = new Map<string, Ratelimit>();

function limiterFor(env: Env, tier: Tier): Ratelimit {
  const s = settingsOf(env);
  const limit = limitOf(env, tier);
  const key = `${env.UPSTASH_REDIS_REST_URL}|${tier}|${limit}|${s.RATE_LIMIT_WINDOW_SECONDS}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new Ratelimit({
      redis: redisFor(env),
      limiter: Ratelimit.slidingWindow(limit, `${s.RATE_LIMIT_WINDOW_SECONDS} s`),
      prefix: `ta:rl:${tier}`,
      // No silent fail-open on a slow Redis: an error reaches the caller, who decides (see consume).
      timeout: 0,
      analytics: false,
      ephemeralCache: false,
    });
    limiters.set(key, limiter);
  }
  return limiter;
}

export type LimitOutcome = RateLimitState & { success: boolean };

/** The tier's limit per window under these settings. */
export function limitOf(env: Env, tier: Tier): number {
  return LIMIT_OF[tier](settingsOf(env));
}

/**
 * Takes `units` (one request's unit, or a lease of several) from `identifier`'s window. A charge
 * the window cannot cover in full is refused (`success` false), though the library's script has
 * then added its units already (it checks only that the window was not full before): leases rely
 * on the refusal, and accept the units lost. Redis not answering is a 503 here; callers that may serve without Redis (static public
 * routes) catch it (see README "Rate limits").
 */
export async function consume(env: Env, tier: Tier, identifier: string, units = 1): Promise<LimitOutcome> {
  const r = await redisOp(() => limiterFor(env, tier).limit(identifier, { rate: units }), "Rate limiting");
  return { success: r.success, limit: r.limit, remaining: Math.max(0, r.remaining), reset: r.reset };
}

/** 429 with Retry-After (seconds until the window frees a unit). */
export function rateLimited(outcome: LimitOutcome, now = Date.now()): AppError {
  const retryAfter = Math.max(1, Math.ceil((outcome.reset - now) / 1000));
  return new AppError("rate_limited", "Too many requests; slow down.", { retryAfter });
}

/**
 * Several windows in order (sign-in: the client's, then the address's). Each is charged only when
 * every window before it allowed the request, and the first refusal is the one reported: a client
 * over its own limit must not go on filling a window it shares with others (an address's, which
 * the owner needs too), since a refused request costs it nothing. The tightest window that
 * allowed is reported otherwise. One Upstash round trip per window: sign-in is not the hot path.
 */
export async function consumeAll(
  env: Env,
  tier: Tier,
  identifiers: readonly string[],
): Promise<LimitOutcome> {
  let tightest: LimitOutcome | undefined;
  for (const identifier of identifiers) {
    const outcome = await consume(env, tier, identifier);
    if (!outcome.success) return outcome;
    if (!tightest || outcome.remaining < tightest.remaining) tightest = outcome;
  }
  return tightest ?? { success: true, limit: 0, remaining: 0, reset: Date.now() };
}
