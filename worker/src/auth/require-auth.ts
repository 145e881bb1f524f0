import { roleSchema } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { settingsOf } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { redisFor } from "../redis.ts";
import { sessionKeys } from "../sessions/store.ts";
import { verifyAccessToken } from "../tokens/access-token.ts";
import { keyRingFrom } from "../tokens/keys.ts";

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const MAX_TOKEN_LENGTH = 4096;

const liveSessionSchema = z.tuple([
  z.string(),
  z.union([z.string(), z.array(roleSchema)]),
  z.coerce.number(),
]);

/**
 * The hot path: verify the access token locally, then one Redis read (auto-pipelined with the
 * rate limiter's calls in the same tick) proves the session is live and gives its current roles.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = header.length <= MAX_TOKEN_LENGTH ? BEARER.exec(header) : null;
  if (!match?.[1]) throw new AppError("unauthorized", "Send an access token: Authorization: Bearer <token>.");
  const settings = settingsOf(c.env);
  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  const claims = await verifyAccessToken(ring, match[1], {
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
  });

  const fields = await redisFor(c.env).hmget<Record<string, unknown>>(
    sessionKeys.sessionKey(claims.sid),
    "uid",
    "roles",
    "loginAt",
  );
  const live = fields ? liveSessionSchema.safeParse([fields.uid, fields.roles, fields.loginAt]) : undefined;
  if (!live?.success || live.data[0] !== claims.sub) {
    throw new AppError("session_revoked", "This session has ended. Sign in again.");
  }
  const [, rolesRaw, loginAt] = live.data;
  const roles = z.array(roleSchema).parse(typeof rolesRaw === "string" ? JSON.parse(rolesRaw) : rolesRaw);
  c.set("auth", { userId: claims.sub, address: claims.addr, roles, sid: claims.sid, loginAt });
  await next();
});
