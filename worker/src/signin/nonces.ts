import type { Redis } from "@upstash/redis/cloudflare";
import { redisOp } from "../platform/redis.ts";

const nonceKey = (nonce: string) => `ta:nonce:${nonce}`;

/** A challenge nonce lives 5 minutes, bound to the address it was issued for. */
export async function storeNonce(
  redis: Redis,
  nonce: string,
  address: string,
  ttlSeconds: number,
): Promise<void> {
  await redisOp(() => redis.set(nonceKey(nonce), address, { ex: ttlSeconds, nx: true }));
}

/**
 * GETDEL consumes the nonce atomically: of two concurrent logins with the same message, exactly
 * one sees the address. Returns whether the nonce existed and was bound to `address`.
 */
export async function consumeNonce(redis: Redis, nonce: string, address: string): Promise<boolean> {
  const bound = await redisOp(() => redis.getdel<string>(nonceKey(nonce)));
  return typeof bound === "string" && bound === address;
}
