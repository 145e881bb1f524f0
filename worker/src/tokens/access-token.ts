import { roleSchema } from "@tron-auth/shared/auth";
import { jktSchema } from "@tron-auth/shared/dpop";
import { SIGNING_ALG } from "@tron-auth/shared/keys";
import { AppError, errorCode } from "@tron-auth/shared/problems";
import { jwtVerify } from "jose";
import * as z from "zod/mini";
import type { KeyRing } from "./keys.ts";
import { signJwt } from "./sign.ts";

export const ACCESS_TOKEN_TYP = "at+jwt";

export const accessClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string().check(z.minLength(1), z.maxLength(64)),
  addr: z.string().check(z.minLength(1), z.maxLength(64)),
  roles: z.array(roleSchema).check(z.minLength(1), z.maxLength(4)),
  sid: z.string().check(z.minLength(16), z.maxLength(64)),
  jti: z.string().check(z.minLength(16), z.maxLength(64)),
  iat: z.int(),
  exp: z.int(),
  /** RFC 9449 section 6: the token is bound to the key with this thumbprint (send it as DPoP). */
  cnf: z.optional(z.object({ jkt: jktSchema })),
});

export type AccessClaims = z.infer<typeof accessClaimsSchema>;
export type TokenSettings = { issuer: string; audience: string; ttlSeconds: number };

export function issueAccessToken(
  ring: KeyRing,
  subject: { sub: string; addr: string; roles: readonly string[]; sid: string; jkt?: string | undefined },
  settings: TokenSettings,
  now = new Date(),
): Promise<string> {
  const claims = { addr: subject.addr, roles: [...subject.roles], sid: subject.sid };
  return signJwt(ring, {
    typ: ACCESS_TOKEN_TYP,
    claims: subject.jkt ? { ...claims, cnf: { jkt: subject.jkt } } : claims,
    issuer: settings.issuer,
    audience: settings.audience,
    subject: subject.sub,
    ttlSeconds: settings.ttlSeconds,
    now,
  });
}

/**
 * Algorithm pinned (never read from the token), typ, iss, aud, exp and nbf checked by jose; the
 * session's liveness is checked by the caller against Redis.
 */
export async function verifyAccessToken(
  ring: KeyRing,
  token: string,
  settings: Omit<TokenSettings, "ttlSeconds">,
  now = new Date(),
): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, ring.verify, {
      algorithms: [SIGNING_ALG],
      typ: ACCESS_TOKEN_TYP,
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ["sub", "sid", "jti", "iat", "exp"],
      currentDate: now,
      clockTolerance: 5,
    });
    return accessClaimsSchema.parse(payload);
  } catch (error) {
    const expired = errorCode(error) === "ERR_JWT_EXPIRED";
    throw new AppError(
      expired ? "token_expired" : "invalid_token",
      expired ? "The access token has expired." : "The access token is not valid.",
    );
  }
}
