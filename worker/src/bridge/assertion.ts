import { bodyHash, INTERNAL_ASSERTION_TYP } from "@tron-auth/shared/protocol";
import { SignJWT } from "jose";
import type { KeyRing } from "../tokens/keys.ts";
import { SIGNING_ALG } from "../tokens/keys.ts";

export type AssertionSubject = { sub: string; roles: readonly string[]; requestId: string };
export type AssertionSettings = { issuer: string; audience: string };

/** 30 s: long enough for a slow Pi, well inside the bridge's 60 s ceiling. */
const LIFETIME_SECONDS = 30;

/** The internal assertion every bridge call carries (DESIGN section 6), bound to the exact body. */
export async function signAssertion(
  ring: KeyRing,
  subject: AssertionSubject,
  body: string,
  settings: AssertionSettings,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: [...subject.roles], rid: subject.requestId, bh: await bodyHash(body) })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: INTERNAL_ASSERTION_TYP, kid: ring.signing.kid })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(subject.sub)
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .sign(ring.signing.key);
}
