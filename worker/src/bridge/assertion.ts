import { bodyHash, INTERNAL_ASSERTION_TYP } from "@tron-auth/shared/protocol";
import type { KeyRing } from "../tokens/keys.ts";
import { signJwt } from "../tokens/sign.ts";

export type AssertionSubject = { sub: string; roles: readonly string[]; requestId: string };
export type AssertionSettings = { issuer: string; audience: string };
/** The one request an assertion may serve: method, origin-form target, exact body. */
export type AssertedRequest = { method: string; target: string; body: string };

/** 30 s: long enough for a slow Pi, well inside the bridge's 60 s ceiling. */
const LIFETIME_SECONDS = 30;

/**
 * The internal assertion every bridge call carries, bound to the whole request (method, path,
 * query and body), so a captured one cannot be pointed at another route or another query.
 */
export async function signAssertion(
  ring: KeyRing,
  subject: AssertionSubject,
  request: AssertedRequest,
  settings: AssertionSettings,
): Promise<string> {
  return signJwt(ring, {
    typ: INTERNAL_ASSERTION_TYP,
    claims: {
      roles: [...subject.roles],
      rid: subject.requestId,
      method: request.method,
      target: request.target,
      bh: await bodyHash(request.body),
    },
    issuer: settings.issuer,
    audience: settings.audience,
    subject: subject.sub,
    ttlSeconds: LIFETIME_SECONDS,
  });
}
