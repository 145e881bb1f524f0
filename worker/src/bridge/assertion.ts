import { bodyHash, INTERNAL_ASSERTION_TYP } from "@tron-auth/shared/protocol";
import type { KeyRing } from "../tokens/keys.ts";
import { signJwt } from "../tokens/sign.ts";

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
  return signJwt(ring, {
    typ: INTERNAL_ASSERTION_TYP,
    claims: { roles: [...subject.roles], rid: subject.requestId, bh: await bodyHash(body) },
    issuer: settings.issuer,
    audience: settings.audience,
    subject: subject.sub,
    ttlSeconds: LIFETIME_SECONDS,
  });
}
