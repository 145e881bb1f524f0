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
import type { ReplayStore } from "./replay-store.ts";

export type AssertionFailure =
  | "assertion_missing"
  | "assertion_invalid"
  | "assertion_expired"
  | "assertion_replayed"
  | "assertion_body_mismatch"
  | "assertion_request_mismatch";

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
  /** Required: without a persistent record of used ids, a restart would reopen every replay. */
  replay: Pick<ReplayStore, "firstUse">;
  now?: () => Date;
};

/** What the bridge received: the method, the origin-form target it routes on, the body bytes. */
export type ReceivedRequest = { method: string; target: string; body: Uint8Array };

export type AssertionVerifier = (
  token: string | undefined,
  request: ReceivedRequest,
) => Promise<InternalAssertionClaims>;

/**
 * Verifies the worker's internal assertion: algorithm pinned to EdDSA (never taken from the
 * token), typ, issuer, audience, a lifetime of at most 60 s, the method and target exactly those
 * received, a body hash equal to the bytes received, and a jti never used before.
 */
export function createAssertionVerifier(options: AssertionVerifierOptions): AssertionVerifier {
  const keys = createLocalJWKSet(options.jwks);
  const { replay } = options;
  const now = options.now ?? (() => new Date());
  const tolerance = options.clockToleranceSeconds ?? 5;

  return async (token, request) => {
    if (!token) throw new AssertionError("assertion_missing", "internal assertion missing");
    const claims = await verifySignature(token, keys, options, now(), tolerance);
    if (claims.exp - claims.iat > INTERNAL_ASSERTION_MAX_LIFETIME_SECONDS) {
      throw new AssertionError("assertion_invalid", "assertion lifetime exceeds 60 s");
    }
    if (claims.method !== request.method || claims.target !== request.target) {
      throw new AssertionError("assertion_request_mismatch", "method or target does not match the assertion");
    }
    if (claims.bh !== (await bodyHash(request.body))) {
      throw new AssertionError("assertion_body_mismatch", "body does not match the assertion");
    }
    // Last, so a refused misuse of a captured assertion does not use up the genuine request's id.
    if (!(await replay.firstUse(claims.jti, new Date((claims.exp + tolerance) * 1000)))) {
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
