/**
 * DPoP (RFC 9449) as this edge speaks it: what a client must send and what the worker accepts.
 * One source for the worker, the client library and the docs.
 */

/** The proof's JOSE `typ`. */
export const DPOP_PROOF_TYP = "dpop+jwt";

/**
 * The algorithms a proof may be signed with: ES256 (every WebCrypto) and EdDSA over Ed25519
 * (faster to verify, newer browsers). Pinned: the proof's own `alg` only selects within this list.
 */
export const DPOP_ALGORITHMS = ["ES256", "EdDSA"] as const;
export type DpopAlgorithm = (typeof DPOP_ALGORITHMS)[number];

/** A proof is accepted this many seconds after its `iat`, and this many before (clock skew). */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;
export const DPOP_PROOF_MAX_SKEW_SECONDS = 5;

/** Request and response header names. */
export const DPOP_HEADER = "DPoP";
export const DPOP_NONCE_HEADER = "DPoP-Nonce";

/** The authorization scheme for bound access tokens (`Authorization: DPoP <token>`). */
export const DPOP_SCHEME = "DPoP";
