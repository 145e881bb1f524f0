import {
  DPOP_ALGORITHMS,
  DPOP_PROOF_MAX_AGE_SECONDS,
  DPOP_PROOF_MAX_SKEW_SECONDS,
  DPOP_PROOF_TYP,
  type DpopProofClaims,
  dpopProofClaimsSchema,
  normalizeHtu,
} from "@tron-auth/shared/dpop";
import { AppError } from "@tron-auth/shared/problems";
import { base64url, calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from "jose";

/** A proof longer than this is refused unread: a P-256 or Ed25519 proof is well under 1 KiB. */
const MAX_PROOF_LENGTH = 2048;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type ProofExpectation = {
  /** The request's method and URL, as the worker received them. */
  method: string;
  url: string;
  /** The access token the proof must go with (its `ath`); absent at sign-in and refresh. */
  accessToken?: string;
  now: Date;
};

/** A proof whose signature, shape and binding to this request checked out; freshness is the caller's. */
export type VerifiedProof = { jkt: string; claims: DpopProofClaims };

export function invalidProof(detail: string): AppError {
  return new AppError("invalid_dpop_proof", detail);
}

/**
 * Everything RFC 9449 section 4.3 asks of a proof except the `jti` and nonce, which depend on state
 * (see freshness.ts): one JWS with `typ` dpop+jwt, an allowed algorithm, a public key in its
 * header and no private part, a signature by that key, `htm`/`htu` naming this request, `iat`
 * within the window, and `ath` equal to the hash of the access token it goes with.
 */
export async function verifyProof(value: string, expect: ProofExpectation): Promise<VerifiedProof> {
  if (value.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(value))
    throw invalidProof("The DPoP header must be one compact JWS.");
  let verified: { payload: unknown; jwk: JWK };
  try {
    const { payload, protectedHeader } = await jwtVerify(value, EmbeddedJWK, {
      typ: DPOP_PROOF_TYP,
      algorithms: [...DPOP_ALGORITHMS],
    });
    verified = { payload, jwk: protectedHeader.jwk ?? {} };
  } catch {
    throw invalidProof("The DPoP proof's header or signature is not valid.");
  }
  // EmbeddedJWK imports only public keys; a header that carries a private part anyway leaked it.
  if ("d" in verified.jwk || "p" in verified.jwk || "k" in verified.jwk)
    throw invalidProof("The DPoP proof's key must be a public key.");
  const parsed = dpopProofClaimsSchema.safeParse(verified.payload);
  if (!parsed.success) throw invalidProof("The DPoP proof's claims are malformed.");
  const claims = parsed.data;
  checkRequest(claims, expect);
  await checkAth(claims, expect.accessToken);
  return { jkt: await calculateJwkThumbprint(verified.jwk, "sha256"), claims };
}

function checkRequest(claims: DpopProofClaims, expect: ProofExpectation): void {
  if (claims.htm !== expect.method.toUpperCase())
    throw invalidProof("The DPoP proof is for another HTTP method.");
  const htu = normalizeHtu(claims.htu);
  if (htu === undefined || htu !== normalizeHtu(expect.url))
    throw invalidProof("The DPoP proof is for another URL.");
  const age = expect.now.getTime() / 1000 - claims.iat;
  if (age > DPOP_PROOF_MAX_AGE_SECONDS) throw invalidProof("The DPoP proof is too old.");
  if (age < -DPOP_PROOF_MAX_SKEW_SECONDS) throw invalidProof("The DPoP proof is dated in the future.");
}

async function checkAth(claims: DpopProofClaims, accessToken: string | undefined): Promise<void> {
  if (accessToken === undefined) {
    if (claims.ath !== undefined) throw invalidProof("This DPoP proof must not carry ath.");
    return;
  }
  if (claims.ath === undefined || claims.ath !== (await accessTokenHash(accessToken)))
    throw invalidProof("The DPoP proof is for another access token.");
}

/** `ath`: base64url(SHA-256(the ASCII access token)). */
export async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken));
  return base64url.encode(new Uint8Array(digest));
}
