import {
  AUDIT_EVENT_ALG,
  AUDIT_EVENT_CLAIM,
  AUDIT_EVENT_TYP,
  AUDIT_OUTBOX_FIELD,
  type AuditEvent,
  auditEventSchema,
} from "@tron-auth/shared/protocol";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";

export type OutboxVerdict =
  | { genuine: true; event: AuditEvent }
  /**
   * unsigned: no JWS field at all; bad_signature: not a JWS the worker's keys verify for this
   * audience and typ; malformed: signed, but the event inside does not parse or its id is not
   * the signed one (the worker never produces that, so it is treated as a forgery too).
   */
  | { genuine: false; reason: "unsigned" | "bad_signature" | "malformed" };

export type OutboxVerifier = (fields: readonly string[]) => Promise<OutboxVerdict>;

/**
 * Checks an outbox entry against the worker's public keys: algorithm pinned (never read from the
 * entry), `typ`, issuer and audience, and the event's id equal to the signed `jti`. Anyone with the
 * Upstash token can append to the stream; only the worker can produce an entry that passes.
 */
export function createOutboxVerifier(opts: {
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string;
}): OutboxVerifier {
  const keys = createLocalJWKSet(opts.jwks);
  return async (fields) => {
    const at = fields.indexOf(AUDIT_OUTBOX_FIELD);
    const jws = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
    if (!jws) return { genuine: false, reason: "unsigned" };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jws, keys, {
        algorithms: [AUDIT_EVENT_ALG],
        typ: AUDIT_EVENT_TYP,
        issuer: opts.issuer,
        audience: opts.audience,
        requiredClaims: ["jti", "iat", AUDIT_EVENT_CLAIM],
      }));
    } catch {
      return { genuine: false, reason: "bad_signature" };
    }
    const event = auditEventSchema.safeParse(payload[AUDIT_EVENT_CLAIM]);
    if (!event.success || event.data.id !== payload.jti) return { genuine: false, reason: "malformed" };
    return { genuine: true, event: event.data };
  };
}
