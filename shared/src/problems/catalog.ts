/** Stable problem codes (RFC 9457 `code` extension) with their HTTP status and title. */
export const PROBLEMS = {
  bad_request: { status: 400, title: "Bad request" },
  validation_failed: { status: 400, title: "Validation failed" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unauthorized: { status: 401, title: "Authentication required" },
  invalid_token: { status: 401, title: "Invalid token" },
  token_expired: { status: 401, title: "Token expired" },
  session_revoked: { status: 401, title: "Session ended" },
  refresh_token_reused: { status: 401, title: "Refresh token reused" },
  reauth_required: { status: 401, title: "Recent sign-in required" },
  login_failed: { status: 401, title: "Sign-in failed" },
  nonce_invalid: { status: 401, title: "Challenge nonce invalid" },
  invalid_assertion: { status: 401, title: "Internal assertion refused" },
  siwt_malformed: { status: 401, title: "Sign-in message malformed" },
  siwt_domain_mismatch: { status: 401, title: "Sign-in message for another domain" },
  siwt_uri_mismatch: { status: 401, title: "Sign-in message for another URI" },
  siwt_chain_mismatch: { status: 401, title: "Sign-in message for another chain" },
  siwt_expired: { status: 401, title: "Sign-in message expired" },
  siwt_not_yet_valid: { status: 401, title: "Sign-in message not yet valid" },
  siwt_lifetime_too_long: { status: 401, title: "Sign-in message lives too long" },
  signature_malformed: { status: 401, title: "Signature malformed" },
  signature_high_s: { status: 401, title: "Signature not canonical" },
  signature_mismatch: { status: 401, title: "Signature does not match the address" },
  forbidden: { status: 403, title: "Forbidden" },
  client_certificate_not_allowed: { status: 403, title: "Client certificate not allowed" },
  self_role_change: { status: 403, title: "Cannot change own roles" },
  grant_not_allowed: { status: 403, title: "Role grant not allowed" },
  target_outranks_actor: { status: 403, title: "Target outranks the actor" },
  last_super_admin: { status: 409, title: "Last SUPER_ADMIN" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  account_locked: { status: 423, title: "Account locked" },
  account_disabled: { status: 403, title: "Account disabled" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal_error: { status: 500, title: "Internal error" },
  bridge_unavailable: { status: 503, title: "Bridge unavailable" },
  service_unavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}
