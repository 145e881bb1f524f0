import { isTronAddress } from "@tron-auth/shared/siwt";
import { Hono } from "hono";
import { z } from "zod";
import type { AuditStore } from "../audit/store.ts";
import { pageLimitSchema } from "../db/cursor.ts";
import { newId } from "../db/ids.ts";
import { jsonBody, parseWith } from "../http/body.ts";
import { requirePermission } from "../http/permission.ts";
import type { BridgeEnv } from "../http/types.ts";

const edgeLoginFailureSchema = z.strictObject({
  reason: z.string().regex(/^[a-z][a-z_]{2,63}$/),
  address: z.string().refine(isTronAddress).optional(),
  ip: z.string().max(64).optional(),
  userAgent: z.string().max(512).optional(),
});

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
  return new Hono<BridgeEnv>()
    .post("/internal/v1/audit/login-failures", async (c) => {
      // Refusals decided at the edge (reused nonce, wrong domain) never reach login/verify; the
      // worker reports them here so the audit log holds every failed sign-in with its reason.
      const body = jsonBody(c, edgeLoginFailureSchema);
      const at = new Date();
      const stored = await audit.record({
        id: newId("evt", at.getTime()),
        at,
        type: "login_failure",
        outcome: "failure",
        actor: body.address ? { address: body.address } : {},
        client: {
          ...(body.ip ? { ip: body.ip } : {}),
          ...(body.userAgent ? { userAgent: body.userAgent } : {}),
        },
        requestId: c.var.assertion.rid,
        details: { reason: body.reason, source: "edge" },
      });
      return c.json({ stored }, 202);
    })
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
    });
}
