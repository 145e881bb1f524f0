import type { Role } from "@tron-auth/shared/auth";
import {
  auditChainReportSchema,
  auditPageSchema,
  auditQuerySchema,
  type BridgeUser,
  lockBody,
  rolesBody,
  userEnvelopeSchema,
  userPageSchema,
  userPathParams,
  usersQuery,
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
/**
 * What the bridge decides about a user in the path: the id's shape (checked here too), whether it
 * exists, and the grant rules (shared/src/auth/grants.ts).
 */
const ABOUT_A_USER = ["validation_failed", "not_found", "bridge_unavailable"] as const;
const GRANT_RULES = ["self_role_change", "target_outranks_actor", "last_super_admin"] as const;
/** Verifying reads every stored event (90 days of them on a Pi): far longer than a lookup. */
const AUDIT_VERIFY_TIMEOUT_MS = 60_000;

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
  {
    timeoutMs,
    ...spec
  }: Pick<RouteSpec, "path" | "access" | "summary"> & {
    query: core.$ZodType;
    response: core.$ZodType;
    timeoutMs?: number;
  },
) {
  define({ ...spec, method: "get", tag: TAG, status: 200, problems: ["bridge_unavailable"] }, async (c) =>
    c.json(
      await bridgeJson(c.env, actor(c), {
        method: "GET",
        path: `${bridgePath}${forwardedQuery(c, spec.query)}`,
        schema: spec.response,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
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
      params: userPathParams,
      response: userEnvelopeSchema,
      problems: ABOUT_A_USER,
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
      params: userPathParams,
      body: rolesBody,
      problems: [...ABOUT_A_USER, ...GRANT_RULES, "grant_not_allowed"],
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
      params: userPathParams,
      body: lockBody,
      problems: [...ABOUT_A_USER, ...GRANT_RULES],
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
      params: userPathParams,
      response: userEnvelopeSchema,
      problems: [...ABOUT_A_USER, ...GRANT_RULES],
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

  // 200 with `ok: false` when the chain does not verify: the report is the answer either way.
  defineBridgeQuery(define, "/internal/v1/audit/verify", {
    path: "/v1/admin/audit/verify",
    access: needs("audit:read", true),
    summary:
      "Verify the audit log's hash chain (reports the first changed, removed, reordered or inserted event)",
    query: z.strictObject({}),
    response: auditChainReportSchema,
    timeoutMs: AUDIT_VERIFY_TIMEOUT_MS,
  });
}
