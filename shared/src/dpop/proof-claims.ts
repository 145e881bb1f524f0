import * as z from "zod/mini";

/** `jti`: unique per proof; at least 96 bits of randomness in base64url or a UUID's length. */
const jti = z.string().check(z.minLength(16), z.maxLength(128));

/** The claims of a DPoP proof JWT (RFC 9449 section 4.2). */
export const dpopProofClaimsSchema = z.object({
  jti,
  htm: z.string().check(z.regex(/^[A-Z]{1,16}$/)),
  htu: z.string().check(z.minLength(1), z.maxLength(2048)),
  iat: z.int(),
  /** base64url(SHA-256(access token)): present exactly when the proof goes with an access token. */
  ath: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/))),
  /** The server-provided nonce, when the server gave one. */
  nonce: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});

export type DpopProofClaims = z.infer<typeof dpopProofClaimsSchema>;

/** A JWK SHA-256 thumbprint (RFC 7638), base64url: what `cnf.jkt` holds. */
export const jktSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/));
