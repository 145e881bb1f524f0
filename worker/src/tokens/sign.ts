import { SignJWT } from "jose";
import { type KeyRing, SIGNING_ALG } from "./keys.ts";

export type JwtSpec = {
  typ: string;
  claims: Record<string, unknown>;
  issuer: string;
  audience: string;
  subject: string;
  ttlSeconds: number;
  now?: Date;
};

/** Every JWT this worker signs: EdDSA with the ring's first key, its kid, a fresh jti. */
export function signJwt(ring: KeyRing, spec: JwtSpec): Promise<string> {
  const iat = Math.floor((spec.now ?? new Date()).getTime() / 1000);
  return new SignJWT(spec.claims)
    .setProtectedHeader({ alg: SIGNING_ALG, typ: spec.typ, kid: ring.signing.kid })
    .setIssuer(spec.issuer)
    .setAudience(spec.audience)
    .setSubject(spec.subject)
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + spec.ttlSeconds)
    .sign(ring.signing.key);
}
