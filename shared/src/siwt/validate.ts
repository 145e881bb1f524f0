import { SiwtValidationError } from "./errors.ts";
import type { SiwtMessage } from "./message.ts";
import { parseRfc3339 } from "./rfc3339.ts";

/**
 * The longest a sign-in message may live (Issued At to Expiration Time). The worker's challenge
 * TTL setting is bounded by this same constant, so no configuration can issue challenges that
 * the validators at the edge and at the bridge then refuse.
 */
export const SIWT_MAX_LIFETIME_SECONDS = 600;

export type SiwtExpectations = {
  domain: string;
  uri: string;
  chainId: string;
  now: Date;
  clockSkewSeconds?: number;
  maxLifetimeSeconds?: number;
};

/** Exact comparisons: the configured domain, URI and chain are strings the service chose. */
export function validateSiwtMessage(m: SiwtMessage, e: SiwtExpectations): void {
  const skew = (e.clockSkewSeconds ?? 30) * 1000;
  const maxLifetime = (e.maxLifetimeSeconds ?? SIWT_MAX_LIFETIME_SECONDS) * 1000;
  if (m.domain !== e.domain) throw new SiwtValidationError("siwt_domain_mismatch", "domain differs");
  if (m.uri !== e.uri) throw new SiwtValidationError("siwt_uri_mismatch", "uri differs");
  if (m.chainId !== e.chainId) throw new SiwtValidationError("siwt_chain_mismatch", "chain differs");
  const issued = parseRfc3339(m.issuedAt);
  const expires = parseRfc3339(m.expirationTime);
  const now = e.now.getTime();
  // Every test below is written as "accept when", so a NaN anywhere refuses instead of passing.
  if (issued === undefined || expires === undefined || !Number.isFinite(now)) {
    throw new SiwtValidationError("siwt_malformed", "times are not valid RFC 3339 date-times");
  }
  if (!(expires > issued && expires - issued <= maxLifetime)) {
    throw new SiwtValidationError("siwt_lifetime_too_long", "message lifetime out of bounds");
  }
  if (!(now < expires + skew)) throw new SiwtValidationError("siwt_expired", "message expired");
  if (!(now >= issued - skew)) {
    throw new SiwtValidationError("siwt_not_yet_valid", "message issued in the future");
  }
}
