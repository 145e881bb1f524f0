import { DPOP_HEADER, DPOP_NONCE_HEADER } from "@tron-auth/shared/dpop";
import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../platform/env.ts";
import { redisFor } from "../platform/redis.ts";
import { NonceBook } from "./nonce-book.ts";
import { invalidProof, type VerifiedProof, verifyProof } from "./proof.ts";
import { firstUseOf } from "./replay.ts";

/**
 * Two-minute nonces (accepted for up to four), and at most 100,000 proofs remembered per
 * generation (a few MB): beyond that the isolate rotates early rather than grow.
 */
const isolateNonces = new NonceBook(120_000, 100_000);

/** The request's DPoP header, if it sent one (several are refused: RFC 9449 section 4.3). */
export function proofHeaderOf(c: Context<AppEnv>): string | undefined {
  const value = c.req.header(DPOP_HEADER);
  if (value === undefined) return undefined;
  if (value.includes(",")) throw invalidProof("Send exactly one DPoP header.");
  return value;
}

/**
 * Verifies the request's proof (for `accessToken` when it goes with one) and offers this isolate's
 * current nonce on the response. Its freshness is checked separately (`fresh`), so the hot path
 * can put a Redis check in the same round trip as its other commands.
 */
export async function requestProof(
  c: Context<AppEnv>,
  header: string,
  accessToken?: string,
): Promise<VerifiedProof> {
  const now = new Date();
  const proof = await verifyProof(header, {
    method: c.req.method,
    url: c.req.url,
    ...(accessToken === undefined ? {} : { accessToken }),
    now,
  });
  c.set("dpopNonce", isolateNonces.current(now.getTime()));
  return proof;
}

/**
 * That the proof was never used before. With a nonce this isolate issued, its own memory decides
 * at once (see NonceBook); a stale or foreign nonce asks the client to use the current one; a
 * proof without a nonce is checked in Redis, issued synchronously here so that it shares the
 * caller's auto-pipelined round trip.
 */
export function fresh(c: Context<AppEnv>, proof: VerifiedProof): Promise<void> {
  const { jti, nonce } = proof.claims;
  if (nonce === undefined)
    return firstUseOf(redisFor(c.env), proof.jkt, jti).then((first) => {
      if (!first) throw replayed();
    });
  const admission = isolateNonces.admit(nonce, `${proof.jkt}:${jti}`, Date.now());
  if (admission === "fresh") return Promise.resolve();
  if (admission === "replayed") return Promise.reject(replayed());
  return Promise.reject(
    new AppError("use_dpop_nonce", `Sign the DPoP proof again with the nonce in ${DPOP_NONCE_HEADER}.`),
  );
}

function replayed(): AppError {
  return invalidProof("This DPoP proof was already used.");
}

/** Sends the nonce a DPoP request was offered with its response, refusals included. */
export const dpopNonceHeader = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const nonce = c.get("dpopNonce");
  if (nonce) c.res.headers.set(DPOP_NONCE_HEADER, nonce);
});
