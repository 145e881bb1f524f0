import type { Context } from "hono";
import { recordAudit } from "../audit/outbox.ts";
import { settingsOf } from "../platform/config.ts";
import type { AppEnv } from "../platform/env.ts";
import { redisFor } from "../platform/redis.ts";
import { SessionStore } from "./store.ts";

export function sessionsOf(c: Context<AppEnv>): SessionStore {
  const s = settingsOf(c.env);
  return new SessionStore(redisFor(c.env), {
    lifetimeSeconds: s.REFRESH_TOKEN_EXPIRE_DAYS * 86_400,
    maxPerUser: s.MAX_SESSIONS_PER_USER,
    graceSeconds: s.REFRESH_GRACE_SECONDS,
    macKeys: c.env.SESSION_MAC_KEY,
    onTamper: (sid) => reportTamper(c, sid),
  });
}

/**
 * A session record whose MAC fails was written by someone holding Redis write access, not by this
 * worker: worth an operator's attention. The session id is logged (it is not a credential: the
 * refresh secret is never stored), nothing else from the record is.
 */
function reportTamper(c: Context<AppEnv>, sid: string): void {
  console.warn(
    JSON.stringify({
      level: "warn",
      msg: "session record failed its integrity check; treated as absent",
      sid,
      requestId: c.var.requestId,
    }),
  );
  void recordAudit(c, {
    type: "session_tampered",
    outcome: "denied",
    target: { type: "session", id: sid },
    details: { action: "treated_as_absent" },
  });
}
