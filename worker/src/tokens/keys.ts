import { publicJwkOf, SIGNING_ALG } from "@tron-auth/shared/keys";
import { createLocalJWKSet, importJWK, type JSONWebKeySet } from "jose";
import * as z from "zod/mini";
import { misconfigured, parsedOnce } from "../platform/secret-once.ts";

const privateJwkSchema = z.looseObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string().check(z.minLength(43)),
  d: z.string().check(z.minLength(43)),
  kid: z.string().check(z.minLength(1), z.maxLength(64)),
});
const keyList = z.array(privateJwkSchema).check(z.minLength(1), z.maxLength(8));
const keySetSchema = z.union([z.object({ keys: keyList }), keyList]);

export type KeyRing = {
  signing: { kid: string; key: CryptoKey };
  publicJwks: JSONWebKeySet;
  verify: ReturnType<typeof createLocalJWKSet>;
};

/**
 * The signing keys secret is a JWK set of Ed25519 private keys: the first signs, the others only
 * verify, so a rotation publishes the new key before it signs and keeps the old one until its
 * tokens have expired. Parsed once per isolate.
 */
export const keyRingFrom = parsedOnce("JWT_SIGNING_KEYS", buildKeyRing);

async function buildKeyRing(secret: string): Promise<KeyRing> {
  let parsed: z.infer<typeof keySetSchema>;
  try {
    parsed = keySetSchema.parse(JSON.parse(secret));
  } catch {
    throw misconfigured("JWT_SIGNING_KEYS is not a JWK set of Ed25519 private keys with kids");
  }
  const keys = Array.isArray(parsed) ? parsed : parsed.keys;
  const [first] = keys;
  if (!first) throw misconfigured("JWT_SIGNING_KEYS is empty");
  const publicJwks = { keys: keys.map(publicJwkOf) };
  const key = (await importJWK({ ...first, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  return { signing: { kid: first.kid, key }, publicJwks, verify: createLocalJWKSet(publicJwks) };
}
