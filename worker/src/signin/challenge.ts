import { AppError } from "@tron-auth/shared/problems";
import { buildSiwtMessage, generateNonce } from "@tron-auth/shared/siwt";
import type { Context } from "hono";
import type * as z from "zod/mini";
import { clientKey } from "../client/identity.ts";
import { consumeAll, rateLimited } from "../limits/limiter.ts";
import { settingsOf } from "../platform/config.ts";
import type { AppEnv } from "../platform/env.ts";
import { redisFor } from "../platform/redis.ts";
import { storeNonce } from "./nonces.ts";
import type { challengeRequest, challengeResponse } from "./schemas.ts";

/**
 * The message a wallet signs to sign in: this service's domain, URI, chain and statement, the
 * address, and a fresh nonce stored bound to that address for CHALLENGE_TTL_SECONDS. Charged to
 * the client's window first, then the address's (see consumeAll).
 */
export async function issueChallenge(
  c: Context<AppEnv>,
  body: z.infer<typeof challengeRequest>,
): Promise<z.infer<typeof challengeResponse>> {
  const s = settingsOf(c.env);
  const limit = await consumeAll(c.env, "challenge", [clientKey(c.req), `addr:${body.address}`]);
  c.set("rateLimit", limit);
  if (!limit.success) throw rateLimited(limit);
  if (body.chainId !== undefined && body.chainId !== s.SIWT_CHAIN_ID) {
    throw new AppError("validation_failed", `This service signs in on ${s.SIWT_CHAIN_ID}.`);
  }
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiresAt = new Date(now.getTime() + s.CHALLENGE_TTL_SECONDS * 1000);
  const nonce = generateNonce();
  const message = buildSiwtMessage({
    domain: s.SIWT_DOMAIN,
    address: body.address,
    statement: s.SIWT_STATEMENT,
    uri: s.SIWT_URI,
    version: "1",
    chainId: s.SIWT_CHAIN_ID,
    nonce,
    issuedAt: now.toISOString(),
    expirationTime: expiresAt.toISOString(),
  });
  await storeNonce(redisFor(c.env), nonce, body.address, s.CHALLENGE_TTL_SECONDS);
  return { message, nonce, expiresAt: expiresAt.toISOString() };
}
