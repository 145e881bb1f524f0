import { auditQuerySchema } from "@tron-auth/shared/protocol";
import { Hono } from "hono";
import type { AuditQuery, AuditStore } from "../audit/store.ts";
import { parseWith } from "../http/body.ts";
import { requirePermission } from "../http/permission.ts";
import type { BridgeEnv } from "../http/types.ts";
import type { UserStore } from "../users/store.ts";

const DEFAULT_PAGE = 50;

export function auditRoutes(audit: AuditStore, users: Pick<UserStore, "findByAddress">) {
  return (
    new Hono<BridgeEnv>()
      // Reads every stored event once; tampering found is a 200 with `ok: false`, not an error.
      .get("/internal/v1/audit/verify", requirePermission("audit:read"), async (c) =>
        c.json(await audit.verify()),
      )
      .get("/internal/v1/audit", requirePermission("audit:read"), async (c) => {
        const q = parseWith(auditQuerySchema, c.req.query());
        const query: AuditQuery = {
          limit: q.limit ?? DEFAULT_PAGE,
          ...(q.type ? { type: q.type } : {}),
          ...(q.userId ? { userId: q.userId } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        };
        if (q.address) {
          // Events name a user by id once they have one, and by address before (failed sign-ins).
          const user = await users.findByAddress(q.address);
          query.address = { address: q.address, ...(user ? { userId: user.id } : {}) };
        }
        return c.json(await audit.query(query));
      })
  );
}
