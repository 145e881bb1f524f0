import { type Role, roleSchema } from "@tron-auth/shared/auth";
import {
  auditPageSchema,
  auditQuerySchema,
  type BridgeUser,
  userEnvelopeSchema,
  userPageSchema,
} from "@tron-auth/shared/protocol";
import type { Context } from "hono";
import * as z from "zod/mini";
import type * as core from "zod/v4/core";
import { type BridgeActor, bridgeJson } from "../bridge/calls.ts";
import { forwardedQuery } from "../http/forwarded-query.ts";
import { jsonBody } from "../http/json-body.ts";
import { type Define, needs, type RouteSpec } from "../http/routes.ts";
import type { AppEnv } from "../platform/env.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import type { ChangeEnd, SessionStore } from "../sessions/store.ts";
import { changeUser } from "./role-change.ts";

const TAG = "admin";
const text = (max: number) => z.string().check(z.maxLength(max));
const limitParam = z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)));
const usersQuery = z.strictObject({
  role: z.optional(roleSchema),
  cursor: z.optional(text(512)),
  limit: limitParam,
});
const rolesBody = z.strictObject({ roles: z.array(roleSchema).check(z.minLength(1), z.maxLength(4)) });
const lockBody = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
  until: z.optional(z.iso.datetime({ offset: true })),
});

function actor(c: Context<AppEnv>): BridgeActor {
  return { sub: c.var.auth.userId, roles: c.var.auth.roles, requestId: c.var.requestId };
}

const userPath = (c: Context<AppEnv>, suffix = "") =>
  `/internal/v1/users/${encodeURIComponent(c.req.param("id") ?? "")}${suffix}`;

/** A role or status change of the user in the path, committed at the bridge (see changeUser). */
function changeAtBridge(
  c: Context<AppEnv>,
  method: string,
  suffix: string,
  payload: unknown,
  apply: (sessions: SessionStore, user: BridgeUser, end: ChangeEnd) => Promise<unknown> | undefined,
) {
  const sessions = sessionsOf(c);
  return changeUser(
    c,
    sessions,
    () =>
      bridgeJson(c.env, actor(c), { method, path: userPath(c, suffix), schema: userEnvelopeSchema, payload }),
    async ({ user }, end) => apply(sessions, user, end),
  );
}

/** A read the bridge answers: the query is checked here and forwarded as parsed, the answer parsed too. */
function defineBridgeQuery(
  define: Define,
  bridgePath: string,
  spec: Pick<RouteSpec, "path" | "access" | "summary"> & { query: core.$ZodType; response: core.$ZodType },
) {
  define({ ...spec, method: "get", tag: TAG, status: 200 }, async (c) =>
    c.json(
      await bridgeJson(c.env, actor(c), {
        method: "GET",
        path: `${bridgePath}${forwardedQuery(c, spec.query)}`,
        schema: spec.response,
      }),
    ),
  );
}

/** Admin API: data lives at the bridge, which enforces the grant rules again on the stored roles. */
export function registerAdminRoutes(define: Define): void {
  defineBridgeQuery(define, "/internal/v1/users", {
    path: "/v1/admin/users",
    access: needs("users:read", true),
    summary: "List users",
    query: usersQuery,
    response: userPageSchema,
  });

  define(
    {
      method: "get",
      path: "/v1/admin/users/:id",
      access: needs("users:read", true),
      tag: TAG,
      status: 200,
      summary: "Get a user",
      response: userEnvelopeSchema,
    },
    async (c) =>
      c.json(
        await bridgeJson(c.env, actor(c), { method: "GET", path: userPath(c), schema: userEnvelopeSchema }),
      ),
  );

  define(
    {
      method: "put",
      path: "/v1/admin/users/:id/roles",
      access: needs("roles:grant", true),
      tag: TAG,
      status: 200,
      summary: "Set a user's roles",
      body: rolesBody,
      response: userEnvelopeSchema,
    },
    async (c) => {
      const body = await jsonBody(c, rolesBody);
      // Every live session carries the new roles from the next request on, unless another change
      // overlapped this one: then only the bridge knows which came last, and sessions read it there.
      const result = await changeAtBridge(c, "PUT", "/roles", body, (sessions, user, end) =>
        end.alone ? sessions.setRolesForUser(user.id, user.roles as Role[], end.changed) : undefined,
      );
      return c.json(result);
    },
  );

  define(
    {
      method: "post",
      path: "/v1/admin/users/:id/lock",
      access: needs("users:lock", true),
      tag: TAG,
      status: 200,
      summary: "Lock a user (ends their sessions)",
      body: lockBody,
      response: userEnvelopeSchema,
    },
    async (c) => {
      const body = await jsonBody(c, lockBody);
      const result = await changeAtBridge(c, "POST", "/lock", body, (sessions, user) =>
        sessions.revokeAllForUser(user.id),
      );
      return c.json(result);
    },
  );

  define(
    {
      method: "post",
      path: "/v1/admin/users/:id/unlock",
      access: needs("users:lock", true),
      tag: TAG,
      status: 200,
      summary: "Unlock a user",
      response: userEnvelopeSchema,
    },
    async (c) =>
      c.json(
        await bridgeJson(c.env, actor(c), {
          method: "POST",
          path: userPath(c, "/unlock"),
          schema: userEnvelopeSchema,
          payload: {},
        }),
      ),
  );

  defineBridgeQuery(define, "/internal/v1/audit", {
    path: "/v1/admin/audit",
    access: needs("audit:read", true),
    summary: "Query the audit log",
    query: auditQuerySchema,
    response: auditPageSchema,
  });
}
