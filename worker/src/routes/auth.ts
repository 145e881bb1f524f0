import { permissionsOf } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import { buildSiwtMessage, generateNonce } from "@tron-auth/shared/siwt";
import { recordAudit } from "../audit/outbox.ts";
import { signIn } from "../auth/login.ts";
import { storeNonce } from "../auth/nonces.ts";
import {
  challengeRequest,
  challengeResponse,
  loginRequest,
  meResponse,
  refreshRequest,
  sessionIdSchema,
  sessionsResponse,
  tokenPairResponse,
} from "../auth/schemas.ts";
import { settingsOf } from "../config.ts";
import { clientKey } from "../http/client.ts";
import type { Define } from "../http/define.ts";
import { jsonBody } from "../http/json-body.ts";
import { AUTHENTICATED, needs, PUBLIC } from "../http/routes.ts";
import { consumeAll, rateLimited } from "../limits/limiter.ts";
import { redisFor } from "../redis.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import { refreshPair } from "../sessions/refresh.ts";

const TAG = "auth";

export function registerAuthRoutes(define: Define): void {
  define(
    {
      method: "post",
      path: "/v1/auth/challenge",
      access: PUBLIC,
      tag: TAG,
      status: 200,
      summary: "Get a Sign-In-with-TRON message to sign",
      body: challengeRequest,
      response: challengeResponse,
    },
    async (c) => {
      const s = settingsOf(c.env);
      const body = await jsonBody(c, challengeRequest);
      const limit = await consumeAll(c.env, "challenge", [clientKey(c.req), `addr:${body.address}`]);
      c.set("rateLimit", limit);
      if (!limit.success) throw rateLimited(limit);
      if (body.chainId !== undefined && body.chainId !== s.SIWT_CHAIN_ID) {
        throw new AppError("validation_failed", `This service signs in on ${s.SIWT_CHAIN_ID}.`);
      }
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const expiresAt = new Date(now.getTime() + s.CHALLENGE_TTL_SECONDS * 1000);
      const nonce = generateNonce();
      const message = buildSiwtMessage({
        domain: s.SIWT_DOMAIN,
        address: body.address,
        statement: s.SIWT_STATEMENT,
        uri: s.SIWT_URI,
        version: "1",
        chainId: s.SIWT_CHAIN_ID,
        nonce,
        issuedAt: now.toISOString(),
        expirationTime: expiresAt.toISOString(),
      });
      await storeNonce(redisFor(c.env), nonce, body.address, s.CHALLENGE_TTL_SECONDS);
      return c.json({ message, nonce, expiresAt: expiresAt.toISOString() });
    },
  );

  define(
    {
      method: "post",
      path: "/v1/auth/login",
      access: PUBLIC,
      tag: TAG,
      status: 200,
      summary: "Sign in with a signed challenge",
      body: loginRequest,
      response: tokenPairResponse,
    },
    async (c) => c.json(await signIn(c, await jsonBody(c, loginRequest))),
  );

  define(
    {
      method: "post",
      path: "/v1/auth/refresh",
      access: PUBLIC,
      tag: TAG,
      status: 200,
      summary: "Rotate the refresh token",
      body: refreshRequest,
      response: tokenPairResponse,
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
