import * as z from "zod/mini";
import { tronAddressSchema } from "../siwt/address.ts";
import { AUDIT_TYPE_PATTERN, pageCursorSchema } from "./admin-api.ts";
import { auditEventSchema } from "./audit-event.ts";

const text = (max: number) => z.string().check(z.maxLength(max));

/** How many events one page of the audit log holds: a page is read in one request. */
export const AUDIT_PAGE_MAX = 200;

/**
 * The audit log's filters, the same at the worker (GET /v1/admin/audit) and the bridge: event
 * type, a user (by id, or by address: what the console knows of someone who never signed in, and
 * the only name failed sign-ins carry), a time range, and the page cursor.
 */
export const auditQuerySchema = z.strictObject({
  type: z.optional(z.string().check(z.regex(AUDIT_TYPE_PATTERN))),
  userId: z.optional(text(64)),
  address: z.optional(tronAddressSchema),
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
  cursor: z.optional(pageCursorSchema),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(AUDIT_PAGE_MAX))),
});
export type AuditQueryParams = z.infer<typeof auditQuerySchema>;

/** Newest first; `nextCursor` continues with older events (null: no more). */
export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  nextCursor: z.nullable(z.string()),
});
export type AuditPageBody = z.infer<typeof auditPageSchema>;
