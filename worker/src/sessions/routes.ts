import { permissionsOf } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import * as z from "zod/mini";
import { recordAudit } from "../audit/outbox.ts";
import { jsonBody } from "../http/json-body.ts";
import { AUTHENTICATED, type Define, needs, PUBLIC } from "../http/routes.ts";
import { tokenPairSchema } from "../tokens/token-pair.ts";
import { sessionsOf } from "./for-request.ts";
import { refreshPair } from "./refresh.ts";
import { meResponse, refreshRequest, sessionIdSchema, sessionsResponse } from "./schemas.ts";

const TAG = "auth";

/** A signed-in client's own session: rotate its refresh token, end it, list and end the others. */
export function registerSessionRoutes(define: Define): void {
  define(
    {
      method: "post",
      path: "/v1/auth/refresh",
      access: PUBLIC,
      tag: TAG,
      status: 200,
      summary: "Rotate the refresh token",
      body: refreshRequest,
      response: tokenPairSchema,
      problems: [
        "invalid_token",
        "refresh_token_reused",
        "session_revoked",
        "conflict",
        "bridge_unavailable",
        "service_unavailable",
        "invalid_dpop_proof",
        "use_dpop_nonce",
        "dpop_required",
      ],
    },
    async (c) => c.json(await refreshPair(c, (await jsonBody(c, refreshRequest)).refreshToken)),
  );

  define(
    {
      method: "post",
      path: "/v1/auth/logout",
      access: AUTHENTICATED,
      tag: TAG,
      status: 204,
      summary: "End this session",
    },
    async (c) => {
      const { sid, userId, address } = c.var.auth;
      await sessionsOf(c).revoke(sid, userId);
      await recordAudit(c, {
        type: "logout",
        outcome: "success",
        actor: { id: userId, address },
        target: { type: "session", id: sid },
      });
      return c.body(null, 204);
    },
  );

  define(
    {
      method: "get",
      path: "/v1/auth/sessions",
      access: needs("sessions:read"),
      tag: TAG,
      status: 200,
      summary: "List my sessions",
      response: sessionsResponse,
    },
    async (c) => {
      const records = await sessionsOf(c).listForUser(c.var.auth.userId);
      return c.json({
        sessions: records.map((r) => ({
          id: r.sid,
          createdAt: new Date(r.createdAt).toISOString(),
          lastUsedAt: new Date(r.lastUsedAt).toISOString(),
          ip: r.ip,
          userAgent: r.userAgent,
          current: r.sid === c.var.auth.sid,
        })),
      });
    },
  );

  define(
    {
      method: "delete",
      path: "/v1/auth/sessions/:id",
      access: needs("sessions:revoke"),
      tag: TAG,
      status: 204,
      summary: "End one of my sessions",
      params: z.object({ id: sessionIdSchema }),
      problems: ["not_found"],
    },
    async (c) => {
      const sid = sessionIdSchema.safeParse(c.req.param("id"));
      const sessions = sessionsOf(c);
      const target = sid.success ? await sessions.get(sid.data) : null;
      // Another user's session answers exactly like a missing one: ids are not probeable.
      if (!target || target.userId !== c.var.auth.userId) throw new AppError("not_found", "No such session.");
      await sessions.revoke(target.sid, target.userId);
      await recordAudit(c, {
        type: "session_revoke",
        outcome: "success",
        actor: { id: c.var.auth.userId },
        target: { type: "session", id: target.sid },
      });
      return c.body(null, 204);
    },
  );

  define(
    {
      method: "get",
      path: "/v1/me",
      access: needs("profile:read"),
      tag: TAG,
      status: 200,
      summary: "Who am I",
      response: meResponse,
    },
    (c) => {
      const { userId, address, roles } = c.var.auth;
      return c.json({ id: userId, address, roles, permissions: permissionsOf(roles) });
    },
  );
}
