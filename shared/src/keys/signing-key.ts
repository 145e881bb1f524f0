/** Every JWT of this system (access tokens, internal assertions, audit events) is EdDSA over Ed25519. */
export const SIGNING_ALG = "EdDSA";

/** An Ed25519 private key as a JWK (RFC 8037), as the worker's JWT_SIGNING_KEYS set holds it. */
export type PrivateSigningJwk = {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  d: string;
  kid: string;
  alg: typeof SIGNING_ALG;
  use: "sig";
};

/** Its public half: what /.well-known/jwks.json serves and the bridge's WORKER_JWKS holds. */
export type PublicSigningJwk = Omit<PrivateSigningJwk, "d">;

/**
 * A new signing key, made with WebCrypto so the same function serves the keys CLI, the local
 * stack, the tests (Node 22) and anything in workerd.
 */
export async function newSigningKey(kid: string): Promise<PrivateSigningJwk> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  if (!("privateKey" in pair)) throw new Error("Ed25519 generateKey did not return a key pair");
  const { x, d } = await crypto.subtle.exportKey("jwk", pair.privateKey);
  if (typeof x !== "string" || typeof d !== "string") throw new Error("Ed25519 JWK export lacks x or d");
  return { kty: "OKP", crv: "Ed25519", x, d, kid, alg: SIGNING_ALG, use: "sig" };
}

/** The public JWK of a signing key: never more than the public point and the key's id. */
export function publicJwkOf(key: { x: string; kid: string }): PublicSigningJwk {
  return { kty: "OKP", crv: "Ed25519", x: key.x, kid: key.kid, alg: SIGNING_ALG, use: "sig" };
}
