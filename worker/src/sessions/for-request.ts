import type { Context } from "hono";
import { settingsOf } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { redisFor } from "../redis.ts";
import { SessionStore } from "./store.ts";

export function sessionsOf(c: Context<AppEnv>): SessionStore {
  const s = settingsOf(c.env);
  return new SessionStore(redisFor(c.env), {
    lifetimeSeconds: s.REFRESH_TOKEN_EXPIRE_DAYS * 86_400,
    maxPerUser: s.MAX_SESSIONS_PER_USER,
    graceSeconds: s.REFRESH_GRACE_SECONDS,
  });
}
