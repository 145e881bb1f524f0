import * as z from "zod/mini";
import { roleSchema } from "../auth/roles.ts";

/**
 * The worker -> bridge internal assertion: a short-lived EdDSA JWT on every
 * bridge call, on top of mTLS, so a stolen client certificate alone cannot act. Its own `typ`
 * and audience keep it from being confused with an access token signed by the same keys.
 */
export const INTERNAL_ASSERTION_HEADER = "x-internal-assertion";
export const INTERNAL_ASSERTION_TYP = "bridge+jwt";
export const INTERNAL_ASSERTION_ALG = "EdDSA";
export const INTERNAL_ASSERTION_MAX_LIFETIME_SECONDS = 60;
export const REQUEST_ID_HEADER = "x-request-id";

const nonEmpty = () => z.string().check(z.minLength(1));

export const internalAssertionClaimsSchema = z.object({
  iss: nonEmpty(),
  aud: z.union([nonEmpty(), z.array(nonEmpty()).check(z.minLength(1))]),
  /** The acting user's id, or "anonymous" before login. */
  sub: nonEmpty().check(z.maxLength(64)),
  roles: z.array(roleSchema).check(z.maxLength(4)),
  /** The edge request this call belongs to, for correlating logs and audit events. */
  rid: nonEmpty().check(z.maxLength(128)),
  /** The HTTP method, upper case: an assertion for a read cannot serve a write. */
  method: z.string().check(z.regex(/^[A-Z]{1,16}$/)),
  /**
   * The request target in origin form (path and query, exactly as routed): an assertion captured
   * for one path or query cannot be sent to another.
   */
  target: z.string().check(z.minLength(1), z.maxLength(4096), z.startsWith("/")),
  /** base64url SHA-256 of the exact request body bytes (of the empty string for no body). */
  bh: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  jti: z.string().check(z.minLength(16), z.maxLength(128)),
  iat: z.int(),
  exp: z.int(),
});
export type InternalAssertionClaims = z.infer<typeof internalAssertionClaimsSchema>;

/**
 * The origin-form request target of a URL: what the worker signs and the bridge compares. Both
 * sides take it from a parsed URL, so the spelling is WHATWG-normalised the same way on each.
 */
export function requestTarget(url: URL): string {
  return `${url.pathname}${url.search}`;
}

/** base64url(SHA-256(body)) with WebCrypto, so worker and bridge compute it the same way. */
export async function bodyHash(body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let binary = "";
  for (const b of digest) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
