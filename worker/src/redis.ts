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
