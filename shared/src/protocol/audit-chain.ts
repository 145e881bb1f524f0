import * as z from "zod/mini";

/**
 * What verifying the audit log's keyed hash chain found (`npm run audit:verify`, `GET
 * /v1/admin/audit/verify`). A report with `ok: false` is a successful verification that found
 * tampering, not an error: the route answers 200 either way.
 */
export const AUDIT_CHAIN_FAILURE_KINDS = ["changed", "removed", "reordered", "inserted"] as const;

const linkText = z.string().check(z.maxLength(128));

export const auditChainReportSchema = z.object({
  ok: z.boolean(),
  /** Linked events verified (those after the checkpoint, plus any a purge has yet to delete). */
  checked: z.number(),
  /** Events stored before the chain existed: not verifiable, removed by age like the rest. */
  unlinked: z.number(),
  /** Where verification starts after the purge: the last purged event's sequence and link. */
  checkpoint: z.nullable(z.object({ seq: z.number(), link: linkText, at: z.string() })),
  /**
   * The chain's tip as stored. Operators who write it down somewhere else (a ticket, a log
   * shipper) can later tell whether the newest events were cut off and the head rewound, which
   * nothing inside the database can show.
   */
  head: z.nullable(z.object({ seq: z.number(), link: linkText, startedAt: z.string() })),
  /** The first thing wrong, in sequence order; null when ok. */
  failure: z.nullable(
    z.object({
      kind: z.enum(AUDIT_CHAIN_FAILURE_KINDS),
      /** The first sequence number that is not as it was written (null for an unlinked event). */
      seq: z.nullable(z.number()),
      eventId: z.optional(z.string().check(z.maxLength(128))),
      detail: z.string().check(z.maxLength(512)),
    }),
  ),
});

export type AuditChainReport = z.infer<typeof auditChainReportSchema>;
export type AuditChainFailure = NonNullable<AuditChainReport["failure"]>;
