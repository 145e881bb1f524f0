import { SIGNING_ALG } from "@tron-auth/shared/keys";
import { SignJWT } from "jose";
import type { KeyRing } from "./keys.ts";

export type JwtSpec = {
  typ: string;
  claims: Record<string, unknown>;
  issuer: string;
  audience: string;
  subject?: string;
  /** Every credential sets it; only records meant to outlive any credential (audit events) omit it. */
  ttlSeconds?: number;
  /** Defaults to a fresh random id; an audit event binds its own id here. */
  jti?: string;
  now?: Date;
};

/** Every JWT this worker signs: EdDSA with the ring's first key and its kid. */
export function signJwt(ring: KeyRing, spec: JwtSpec): Promise<string> {
  const iat = Math.floor((spec.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT(spec.claims)
    .setProtectedHeader({ alg: SIGNING_ALG, typ: spec.typ, kid: ring.signing.kid })
    .setIssuer(spec.issuer)
    .setAudience(spec.audience)
    .setJti(spec.jti ?? crypto.randomUUID())
    .setIssuedAt(iat);
  if (spec.subject !== undefined) jwt.setSubject(spec.subject);
  if (spec.ttlSeconds !== undefined) jwt.setExpirationTime(iat + spec.ttlSeconds);
  return jwt.sign(ring.signing.key);
}
