import { normalizeHtu } from "@tron-auth/shared/dpop";
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export type DpopKey = { alg: "ES256" | "EdDSA"; privateKey: CryptoKey; publicJwk: JWK; jkt: string };

/** A key as a client makes one (written here from the RFC, independently of the client library). */
export async function newKey(alg: DpopKey["alg"] = "ES256"): Promise<DpopKey> {
  const pair = await generateKeyPair(alg, alg === "EdDSA" ? { crv: "Ed25519" } : {});
  const publicJwk = await exportJWK(pair.publicKey);
  return { alg, privateKey: pair.privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

export const athOf = async (token: string) =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))));

export type ProofParts = {
  method: string;
  url: string;
  accessToken?: string | undefined;
  nonce?: string | undefined;
  /** Claims and header members to change or add (a forged proof). */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
};

/** A proof as RFC 9449 section 4.2 builds it; `claims`/`header` override any part of it. */
export async function signProof(key: DpopKey, p: ProofParts): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    htm: p.method,
    htu: normalizeHtu(p.url),
    iat: Math.floor(Date.now() / 1000),
    ...(p.accessToken ? { ath: await athOf(p.accessToken) } : {}),
    ...(p.nonce ? { nonce: p.nonce } : {}),
    ...p.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: "dpop+jwt", jwk: key.publicJwk, ...p.header })
    .sign(key.privateKey);
}

/**
 * The tests' DPoP client, as the client library behaves by default: sessions signed in through
 * `login` are bound to a new key, and every call that carries one of their tokens (access or
 * refresh) signs a proof with it and follows the nonce the edge last sent. Tests that exercise a
 * bearer session sign in with `dpop: false`.
 */
const keysByToken = new Map<string, DpopKey>();
let lastNonce: string | undefined;

export function bindPair(pair: { accessToken: string; refreshToken: string }, key: DpopKey): void {
  keysByToken.set(pair.accessToken, key);
  keysByToken.set(pair.refreshToken, key);
}

export function keyOfToken(token: string | undefined): DpopKey | undefined {
  return token === undefined ? undefined : keysByToken.get(token);
}

/** The refresh token a request body carries, when it is one of a bound session's. */
export function keyOfBody(body: unknown): DpopKey | undefined {
  const token = (body as { refreshToken?: unknown } | undefined)?.refreshToken;
  return typeof token === "string" ? keysByToken.get(token) : undefined;
}

export function proofFor(key: DpopKey, method: string, url: string, accessToken?: string): Promise<string> {
  return signProof(key, { method, url, accessToken, nonce: lastNonce });
}

/** The nonce the edge sent last (what a client following nonces would use now). */
export const currentNonce = (): string | undefined => lastNonce;

/** Remembers the edge's nonce, and binds a new pair that a bound session's call returned. */
export function noteReply(headers: Headers, body: unknown, key: DpopKey | undefined): void {
  const nonce = headers.get("dpop-nonce");
  if (nonce) lastNonce = nonce;
  const pair = body as { accessToken?: unknown; refreshToken?: unknown; tokenType?: unknown } | undefined;
  if (
    key &&
    pair?.tokenType === "DPoP" &&
    typeof pair.accessToken === "string" &&
    typeof pair.refreshToken === "string"
  )
    bindPair({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }, key);
}
