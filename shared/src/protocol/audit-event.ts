import { z } from "zod";

/**
 * Okta-like audit event (DESIGN section 8). The id is the producer's, so redelivery is
 * idempotent. The worker writes these into the Redis outbox stream; the bridge stores them.
 */
export const auditEventSchema = z.object({
  id: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  at: z.coerce.date(),
  type: z.string().regex(/^[a-z][a-z0-9_.]{1,63}$/),
  outcome: z.enum(["success", "failure", "denied"]),
  actor: z
    .object({
      id: z.string().max(64).optional(),
      address: z.string().max(64).optional(),
      roles: z.array(z.string().max(32)).max(4).optional(),
    })
    .default({}),
  target: z.object({ type: z.string().max(32), id: z.string().max(128) }).optional(),
  client: z
    .object({ ip: z.string().max(64).optional(), userAgent: z.string().max(512).optional() })
    .default({}),
  requestId: z.string().max(128).optional(),
  details: z.record(z.string(), z.unknown()).default({}),
});

export type AuditEventInput = z.input<typeof auditEventSchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** The Redis stream the worker appends audit events to and the bridge drains. */
export const AUDIT_OUTBOX_STREAM = "ta:audit:outbox";
export const AUDIT_OUTBOX_GROUP = "auth-bridge";
/** The stream entry's single field: the event as JSON. */
export const AUDIT_OUTBOX_FIELD = "event";
