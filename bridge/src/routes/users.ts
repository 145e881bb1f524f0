import { type Role, roleSchema } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import { SESSION_USER_PATH, USER_ID_PATTERN } from "@tron-auth/shared/protocol";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { pageLimitSchema } from "../db/cursor.ts";
import { jsonBody, parseWith } from "../http/body.ts";
import { requirePermission } from "../http/permission.ts";
import type { BridgeEnv } from "../http/types.ts";
import type { Actor, UserAdmin } from "../users/admin.ts";
import type { UserStore } from "../users/store.ts";
import { toPublicUser } from "../users/user.ts";

const idSchema = z.string().regex(USER_ID_PATTERN, "not a user id");
const listQuerySchema = z.object({
  role: z.optional(roleSchema),
  cursor: z.string().max(512).optional(),
  limit: pageLimitSchema,
});
const rolesBodySchema = z.strictObject({ roles: z.array(roleSchema).min(1).max(4) });
const lockBodySchema = z.strictObject({
  reason: z.string().trim().min(1).max(256),
  until: z.iso.datetime({ offset: true }).optional(),
});

function actorOf(c: Context<BridgeEnv>): Actor {
  const a = c.var.assertion;
  return { id: a.sub, roles: a.roles as Role[], requestId: a.rid };
}

function userId(c: Context<BridgeEnv>): string {
  return parseWith(idSchema, c.req.param("id"));
}

export function userRoutes(users: UserStore, admin: UserAdmin, now: () => Date) {
  return new Hono<BridgeEnv>()
    .get(SESSION_USER_PATH, requirePermission("profile:read"), async (c) => {
      // The worker asks for the session's own user; the signed assertion names it.
      const id = idSchema.safeParse(c.var.assertion.sub);
      const user = id.success ? await users.findById(id.data) : null;
      if (!user) throw new AppError("not_found", "No such user.");
      return c.json({ user: toPublicUser(user, now()) });
    })
    .get("/internal/v1/users", requirePermission("users:read"), async (c) => {
      const q = parseWith(listQuerySchema, c.req.query());
      const page = await users.list({
        limit: q.limit,
        ...(q.role ? { role: q.role } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return c.json({ users: page.users.map((u) => toPublicUser(u, now())), nextCursor: page.nextCursor });
    })
    .get("/internal/v1/users/:id", requirePermission("users:read"), async (c) => {
      const user = await users.findById(userId(c));
      if (!user) throw new AppError("not_found", "No such user.");
      return c.json({ user: toPublicUser(user, now()) });
    })
    .put("/internal/v1/users/:id/roles", requirePermission("roles:grant"), async (c) => {
      const { roles } = jsonBody(c, rolesBodySchema);
      return c.json({ user: await admin.setRoles(actorOf(c), userId(c), roles) });
    })
    .post("/internal/v1/users/:id/lock", requirePermission("users:lock"), async (c) => {
      const body = jsonBody(c, lockBodySchema);
      const until = body.until ? new Date(body.until) : undefined;
      if (until && until <= now()) throw new AppError("validation_failed", "`until` must be in the future.");
      return c.json({ user: await admin.lock(actorOf(c), userId(c), { reason: body.reason, until }) });
    })
    .post("/internal/v1/users/:id/unlock", requirePermission("users:lock"), async (c) => {
      return c.json({ user: await admin.unlock(actorOf(c), userId(c)) });
    });
}
