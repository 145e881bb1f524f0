import { AppError } from "@tron-auth/shared/problems";
import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "./env.ts";

let cached: { key: string; client: Redis } | undefined;

/**
 * One client per isolate: @upstash/redis auto-pipelines commands issued in the same tick only
 * within one client, and the hot-path budget (one Upstash round trip per request) depends on it.
 */
export function redisFor(env: Env): Redis {
  const key = `${env.UPSTASH_REDIS_REST_URL}\n${env.UPSTASH_REDIS_REST_TOKEN}`;
  if (cached?.key !== key) {
    const client = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      enableAutoPipelining: true,
      // Fail fast: the caller decides what a missing answer means (fail closed on privileged paths).
      retry: { retries: 1, backoff: () => 50 },
    });
    cached = { key, client };
  }
  return cached.client;
}

/**
 * Runs one Redis operation; a failure (Upstash unreachable, refused, timed out) becomes a clean
 * 503 with Retry-After instead of a 500. Every path that needs Redis fails closed this way.
 * `what` names, for the client, what is unavailable (never the failure itself).
 */
export async function redisOp<T>(op: () => Promise<T>, what = "Session storage"): Promise<T> {
  try {
    return await op();
  } catch (cause) {
    throw new AppError(
      "service_unavailable",
      `${what} is unavailable; try again shortly.`,
      { retryAfter: 5 },
      { cause },
    );
  }
}
