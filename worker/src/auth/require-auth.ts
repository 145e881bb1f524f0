import { roleSchema } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { settingsOf } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { redisFor } from "../redis.ts";
import { type LiveSession, livenessCache } from "../sessions/liveness-cache.ts";
import { sessionKeys } from "../sessions/store.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { verifyAccessTokenCached } from "../tokens/verified-cache.ts";

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const MAX_TOKEN_LENGTH = 4096;

const liveSessionSchema = z.tuple([
  z.string(),
  z.union([z.string(), z.array(roleSchema)]),
  z.coerce.number(),
]);

/**
 * The hot path: verify the access token locally, then prove the session is live (and read its
 * current roles) with one Redis read, auto-pipelined with the rate limiter's calls in the same
 * tick, or from the isolate's liveness cache when it saw the session live recently enough.
 */
function authenticate(staleness: (env: AppEnv["Bindings"]) => number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = header.length <= MAX_TOKEN_LENGTH ? BEARER.exec(header) : null;
    if (!match?.[1])
      throw new AppError("unauthorized", "Send an access token: Authorization: Bearer <token>.");
    const settings = settingsOf(c.env);
    const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
    const claims = await verifyAccessTokenCached(ring, match[1], {
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
    });
    const live = await liveSession(c.env, claims.sid, staleness(c.env));
    if (!live || live.uid !== claims.sub) {
      throw new AppError("session_revoked", "This session has ended. Sign in again.");
    }
    c.set("auth", {
      userId: claims.sub,
      address: claims.addr,
      roles: live.roles,
      sid: claims.sid,
      loginAt: live.loginAt,
    });
    await next();
  });
}

async function liveSession(
  env: AppEnv["Bindings"],
  sid: string,
  maxStalenessMs: number,
): Promise<LiveSession | undefined> {
  const now = Date.now();
  if (maxStalenessMs > 0) {
    const cached = livenessCache.get(sid, now);
    if (cached) return cached;
  }
  const fields = await redisFor(env).hmget<Record<string, unknown>>(
    sessionKeys.sessionKey(sid),
    "uid",
    "roles",
    "loginAt",
  );
  const parsed = fields ? liveSessionSchema.safeParse([fields.uid, fields.roles, fields.loginAt]) : undefined;
  if (!parsed?.success) {
    livenessCache.forget(sid);
    return undefined;
  }
  const [uid, rolesRaw, loginAt] = parsed.data;
  const roles = z.array(roleSchema).parse(typeof rolesRaw === "string" ? JSON.parse(rolesRaw) : rolesRaw);
  const session = { uid, roles, loginAt };
  if (maxStalenessMs > 0) livenessCache.remember(sid, session, now + maxStalenessMs);
  return session;
}

/** Ordinary authenticated routes: session liveness may be up to SESSION_CACHE_MS old. */
export const requireAuth = authenticate((env) => settingsOf(env).SESSION_CACHE_MS);

/** Privileged routes: the session is read from Redis on every request (fail closed). */
export const requireFreshAuth = authenticate(() => 0);
