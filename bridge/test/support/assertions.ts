import { randomUUID } from "node:crypto";
import { newSigningKey, publicJwkOf, SIGNING_ALG } from "@tron-auth/shared/keys";
import {
  AUDIT_EVENT_CLAIM,
  AUDIT_EVENT_TYP,
  bodyHash,
  INTERNAL_ASSERTION_TYP,
} from "@tron-auth/shared/protocol";
import { importJWK, type JSONWebKeySet, type JWK, SignJWT } from "jose";

export const ISSUER = "tron-auth-edge";
export const AUDIENCE = "tron-auth-bridge";
export const LOGIN_PATH = "/internal/v1/login/verify";

export type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };

export async function makeSigningKey(kid = randomUUID()): Promise<SigningKey> {
  const jwk = await newSigningKey(kid);
  const privateKey = (await importJWK(jwk, SIGNING_ALG)) as CryptoKey;
  return { kid, privateKey, publicJwk: publicJwkOf(jwk) };
}

export function jwksOf(...keys: SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((k) => k.publicJwk) };
}

export type AssertionOverrides = {
  body?: string;
  /** The request the assertion is for; by default the login call, the one most tests make. */
  method?: string;
  target?: string;
  sub?: string;
  roles?: string[];
  iss?: string;
  aud?: string;
  typ?: string;
  alg?: string;
  jti?: string;
  iatOffset?: number;
  lifetime?: number;
  extraClaims?: Record<string, unknown>;
  omit?: string[];
};

/** Signs an internal assertion the way the worker does, with knobs to break each part of it. */
export async function signAssertion(key: SigningKey, o: AssertionOverrides = {}): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) + (o.iatOffset ?? 0);
  const claims: Record<string, unknown> = {
    sub: o.sub ?? "anonymous",
    roles: o.roles ?? [],
    rid: "req-test",
    method: o.method ?? "POST",
    target: o.target ?? LOGIN_PATH,
    bh: await bodyHash(o.body ?? ""),
    ...o.extraClaims,
  };
  for (const name of o.omit ?? []) delete claims[name];
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? "EdDSA", typ: o.typ ?? INTERNAL_ASSERTION_TYP, kid: key.kid })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.lifetime ?? 60));
  if (!o.omit?.includes("jti")) jwt.setJti(o.jti ?? randomUUID());
  return jwt.sign(key.privateKey);
}

export type EventOverrides = { typ?: string; aud?: string; iss?: string; jti?: string };

/** Signs an audit outbox event the way the worker does (typ, aud, jti = event id), with knobs to break it. */
export function signOutboxEvent(
  key: SigningKey,
  event: { id: string } & Record<string, unknown>,
  o: EventOverrides = {},
): Promise<string> {
  return new SignJWT({ [AUDIT_EVENT_CLAIM]: event })
    .setProtectedHeader({ alg: "EdDSA", typ: o.typ ?? AUDIT_EVENT_TYP, kid: key.kid })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setJti(o.jti ?? event.id)
    .setIssuedAt()
    .sign(key.privateKey);
}
