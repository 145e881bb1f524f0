import * as z from "zod/mini";

/**
 * Okta-like audit event (id, time, type, outcome, actor, target, client, request id, details),
 * the shape operators query in MongoDB. The id is the producer's, so redelivery is
 * idempotent. The worker writes these into the Redis outbox stream; the bridge stores them.
 */
const text = (max: number) => z.string().check(z.maxLength(max));

export const auditEventSchema = z.object({
  id: z.string().check(z.minLength(8), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/)),
  at: z.coerce.date(),
  type: z.string().check(z.regex(/^[a-z][a-z0-9_.]{1,63}$/)),
  outcome: z.enum(["success", "failure", "denied"]),
  actor: z._default(
    z.object({
      id: z.optional(text(64)),
      address: z.optional(text(64)),
      roles: z.optional(z.array(text(32)).check(z.maxLength(4))),
    }),
    {},
  ),
  target: z.optional(z.object({ type: text(32), id: text(128) })),
  client: z._default(z.object({ ip: z.optional(text(64)), userAgent: z.optional(text(512)) }), {}),
  requestId: z.optional(text(128)),
  details: z._default(z.record(z.string(), z.unknown()), {}),
});

export type AuditEventInput = z.input<typeof auditEventSchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** The Redis stream the worker appends audit events to and the bridge drains. */
export const AUDIT_OUTBOX_STREAM = "ta:audit:outbox";
export const AUDIT_OUTBOX_GROUP = "auth-bridge";
/**
 * The stream entry's single field: the event as a compact JWS (a JWT) signed by the worker, so the
 * bridge stores only events the worker wrote, not whatever a holder of the Upstash token appends.
 * Claims: iss, aud (the bridge), iat, jti (the event id) and `evt` (the event). No `exp`: an event
 * may wait in the stream for as long as the Pi is offline.
 */
export const AUDIT_OUTBOX_FIELD = "jws";
/** Its own `typ`, so neither an access token nor an internal assertion passes as an event. */
export const AUDIT_EVENT_TYP = "audit-event+jwt";
export const AUDIT_EVENT_ALG = "EdDSA";
/** The claim that carries the event. */
export const AUDIT_EVENT_CLAIM = "evt";
