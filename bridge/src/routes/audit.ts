import { Hono } from "hono";
import { z } from "zod";
import type { AuditStore } from "../audit/store.ts";
import { pageLimitSchema } from "../db/cursor.ts";
import { parseWith } from "../http/body.ts";
import { requirePermission } from "../http/permission.ts";
import type { BridgeEnv } from "../http/types.ts";

const auditQuerySchema = z.object({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_.]{1,63}$/)
    .optional(),
  userId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(512).optional(),
  limit: pageLimitSchema,
});

export function auditRoutes(audit: AuditStore) {
  return (
    new Hono<BridgeEnv>()
      // Reads every stored event once; tampering found is a 200 with `ok: false`, not an error.
      .get("/internal/v1/audit/verify", requirePermission("audit:read"), async (c) =>
        c.json(await audit.verify()),
      )
      .get("/internal/v1/audit", requirePermission("audit:read"), async (c) => {
        const q = parseWith(auditQuerySchema, c.req.query());
        const page = await audit.query({
          limit: q.limit,
          ...(q.type ? { type: q.type } : {}),
          ...(q.userId ? { userId: q.userId } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        });
        return c.json(page);
      })
  );
}
