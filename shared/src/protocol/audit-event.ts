import * as z from "zod/mini";

/**
 * Okta-like audit event (DESIGN section 8). The id is the producer's, so redelivery is
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
/** The stream entry's single field: the event as JSON. */
export const AUDIT_OUTBOX_FIELD = "event";
