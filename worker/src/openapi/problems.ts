import { PROBLEMS, type ProblemCode } from "@tron-auth/shared/problems";
import type { Access, RouteSpec } from "../http/routes.ts";

const TOKEN_REFUSALS = [
  "unauthorized",
  "invalid_token",
  "token_expired",
  "session_revoked",
  // DPoP: a bound token's proof, the isolate's nonce, a session that must be bound (DPOP_REQUIRED).
  "invalid_dpop_proof",
  "use_dpop_nonce",
  "dpop_required",
] as const;
/** Authenticated requests: the token, the user's window, Redis (session and limit) fail closed. */
const AUTHENTICATED = [...TOKEN_REFUSALS, "rate_limited", "service_unavailable"] as const;

/**
 * What the guards in front of a route refuse with, by its access (guard/define-route.ts mounts
 * them). A public route's limiter fails open, so only its 429 is the guard's; fresh routes may
 * read the caller's current roles from the bridge.
 */
function accessProblems(access: Access): readonly ProblemCode[] {
  switch (access.kind) {
    case "public":
      return ["rate_limited"];
    case "authenticated":
      return AUTHENTICATED;
    case "permission":
      return [...AUTHENTICATED, "forbidden", ...(access.fresh ? (["bridge_unavailable"] as const) : [])];
  }
}

/** A JSON body is read within 16 KiB, must say it is JSON, parse, and match its schema. */
const BODY = ["bad_request", "validation_failed", "unsupported_media_type", "payload_too_large"] as const;

/** Every problem a route may answer with: its guards', its inputs' and its own. */
export function problemsOf(spec: RouteSpec): ProblemCode[] {
  return [
    ...new Set<ProblemCode>([
      ...accessProblems(spec.access),
      ...(spec.body ? BODY : []),
      ...(spec.query ? (["validation_failed"] as const) : []),
      ...(spec.problems ?? []),
    ]),
  ].sort();
}

/** The codes grouped by their HTTP status, as the document lists them. */
export function byStatus(codes: readonly ProblemCode[]): Map<number, ProblemCode[]> {
  const groups = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const { status } = PROBLEMS[code];
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}
