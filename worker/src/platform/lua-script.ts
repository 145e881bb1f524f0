import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Redis } from "@upstash/redis/cloudflare";

/**
 * A Lua script sent by its SHA1 (EVALSHA), and in full (EVAL) only when Redis answers NOSCRIPT:
 * the first use after Redis started or flushed its script cache, which EVAL refills. As
 * @upstash/ratelimit does, so each call carries the hash instead of the script's text.
 *
 * The hash is computed synchronously at load: the command must be issued in the caller's tick,
 * before anything is awaited, for @upstash/redis to auto-pipeline it with the rate limiter's
 * (the hot path's one Upstash round trip).
 */
export class LuaScript<TResult> {
  readonly source: string;
  readonly sha1: string;

  constructor(source: string) {
    this.source = source;
    this.sha1 = bytesToHex(sha1(utf8ToBytes(source)));
  }

  run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<TResult> {
    return redis.evalsha<string[], TResult>(this.sha1, [...keys], [...args]).catch((error: unknown) => {
      if (!isNoScript(error)) throw error;
      return redis.eval<string[], TResult>(this.source, [...keys], [...args]);
    });
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes("NOSCRIPT");
}
