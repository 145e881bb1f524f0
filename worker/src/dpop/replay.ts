import { DPOP_PROOF_MAX_AGE_SECONDS, DPOP_PROOF_MAX_SKEW_SECONDS } from "@tron-auth/shared/dpop";
import type { Redis } from "@upstash/redis/cloudflare";
import { redisOp } from "../platform/redis.ts";

/** Long enough to outlive every proof that could still pass the `iat` window. */
const REMEMBER_SECONDS = DPOP_PROOF_MAX_AGE_SECONDS + DPOP_PROOF_MAX_SKEW_SECONDS + 5;

const proofKey = (jkt: string, jti: string) => `ta:dpop:jti:${jkt}:${jti}`;

/**
 * A proof sent without a nonce is unique across isolates only through Redis: SET NX marks its
 * `jti` (per key, so one client cannot pre-empt another's) for as long as its `iat` lets it pass.
 * Returns whether this is the first use. Issued before anything is awaited, so it joins the
 * request's other Redis commands in one auto-pipelined round trip.
 */
export async function firstUseOf(redis: Redis, jkt: string, jti: string): Promise<boolean> {
  const set = await redisOp(() => redis.set(proofKey(jkt, jti), "1", { nx: true, ex: REMEMBER_SECONDS }));
  return set === "OK";
}
