import { errorCode } from "@tron-auth/shared/problems";
import {
  bodyHash,
  INTERNAL_ASSERTION_ALG,
  INTERNAL_ASSERTION_MAX_LIFETIME_SECONDS,
  INTERNAL_ASSERTION_TYP,
  type InternalAssertionClaims,
  internalAssertionClaimsSchema,
} from "@tron-auth/shared/protocol";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { ReplayCache } from "./replay-cache.ts";

export type AssertionFailure =
  | "assertion_missing"
  | "assertion_invalid"
  | "assertion_expired"
  | "assertion_replayed"
  | "assertion_body_mismatch";

export class AssertionError extends Error {
  readonly reason: AssertionFailure;
  constructor(reason: AssertionFailure, message: string) {
    super(message);
    this.name = "AssertionError";
    this.reason = reason;
  }
}

export type AssertionVerifierOptions = {
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  replayCache?: ReplayCache;
  now?: () => Date;
};

export type AssertionVerifier = (
  token: string | undefined,
  body: Uint8Array,
) => Promise<InternalAssertionClaims>;

/**
 * Verifies the worker's internal assertion: algorithm pinned to EdDSA (never taken from the
 * token), typ, issuer, audience, a lifetime of at most 60 s, a body hash equal to the bytes
 * received, and a jti never seen before.
 */
export function createAssertionVerifier(options: AssertionVerifierOptions): AssertionVerifier {
  const keys = createLocalJWKSet(options.jwks);
  const replay = options.replayCache ?? new ReplayCache();
  const now = options.now ?? (() => new Date());
  const tolerance = options.clockToleranceSeconds ?? 5;

  return async (token, body) => {
    if (!token) throw new AssertionError("assertion_missing", "internal assertion missing");
    const claims = await verifySignature(token, keys, options, now(), tolerance);
    if (claims.exp - claims.iat > INTERNAL_ASSERTION_MAX_LIFETIME_SECONDS) {
      throw new AssertionError("assertion_invalid", "assertion lifetime exceeds 60 s");
    }
    if (claims.bh !== (await bodyHash(body))) {
      throw new AssertionError("assertion_body_mismatch", "body does not match the assertion");
    }
    if (!replay.remember(claims.jti, (claims.exp + tolerance) * 1000, now().getTime())) {
      throw new AssertionError("assertion_replayed", "assertion already used");
    }
    return claims;
  };
}

async function verifySignature(
  token: string,
  keys: ReturnType<typeof createLocalJWKSet>,
  options: AssertionVerifierOptions,
  currentDate: Date,
  clockTolerance: number,
): Promise<InternalAssertionClaims> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [INTERNAL_ASSERTION_ALG],
      typ: INTERNAL_ASSERTION_TYP,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["iat", "exp", "jti", "sub"],
      maxTokenAge: `${INTERNAL_ASSERTION_MAX_LIFETIME_SECONDS + clockTolerance}s`,
      clockTolerance,
      currentDate,
    });
    const parsed = internalAssertionClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new AssertionError("assertion_invalid", "assertion claims malformed");
    return parsed.data;
  } catch (error) {
    if (error instanceof AssertionError) throw error;
    // By code, not instanceof: a second copy of jose in the tree would defeat instanceof.
    if (errorCode(error) === "ERR_JWT_EXPIRED")
      throw new AssertionError("assertion_expired", "assertion expired");
    throw new AssertionError("assertion_invalid", "assertion rejected");
  }
}
