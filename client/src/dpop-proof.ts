import { DPOP_PROOF_TYP, normalizeHtu } from "@tron-auth/shared/dpop";
import { base64url, SignJWT } from "jose";
import type { DpopKey } from "./dpop-keys.ts";

export type ProofTarget = {
  method: string;
  /** The absolute request URL (query and fragment are dropped, as the server compares). */
  url: string;
  /** The access token the request carries (its hash goes in `ath`). */
  accessToken?: string;
  /** The last DPoP-Nonce the server sent. */
  nonce?: string;
};

/** One proof for one request (RFC 9449 section 4.2): a new `jti` every time. */
export async function createDpopProof(key: DpopKey, target: ProofTarget): Promise<string> {
  const htu = normalizeHtu(target.url);
  if (htu === undefined) throw new TypeError(`Not an absolute http(s) URL: ${target.url}`);
  const claims: Record<string, string> = {
    jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    htm: target.method.toUpperCase(),
    htu,
  };
  if (target.accessToken !== undefined) claims.ath = await sha256(target.accessToken);
  if (target.nonce !== undefined) claims.nonce = target.nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: DPOP_PROOF_TYP, jwk: key.publicJwk })
    .setIssuedAt()
    .sign(key.privateKey);
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return base64url.encode(new Uint8Array(digest));
}
