import { LOCKDOWN_KEY, LOCKDOWN_SIGNING_FIELD } from "@tron-auth/shared/protocol";
import * as z from "zod/mini";
import type { Env } from "../platform/env.ts";
import { redisFor, redisOp } from "../platform/redis.ts";
import type { SessionStore } from "../sessions/store.ts";

export const lockdownState = z.object({
  active: z.boolean(),
  signing: z.boolean(),
  sessionsEndedAt: z.nullable(z.iso.datetime()),
  by: z.nullable(z.string()),
  at: z.nullable(z.iso.datetime()),
});
export type LockdownState = z.infer<typeof lockdownState>;

const stored = z.object({
  [LOCKDOWN_SIGNING_FIELD]: z.enum(["0", "1"]),
  sessionsEndedAt: z.string(),
  by: z.string(),
  at: z.string(),
});

const INACTIVE: LockdownState = { active: false, signing: false, sessionsEndedAt: null, by: null, at: null };

function fromStored(raw: Record<string, unknown> | null): LockdownState {
  const parsed = stored.safeParse(
    raw ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)])) : undefined,
  );
  if (!parsed.success) return INACTIVE;
  const s = parsed.data;
  return {
    active: true,
    signing: s[LOCKDOWN_SIGNING_FIELD] === "1",
    sessionsEndedAt: s.sessionsEndedAt || null,
    by: s.by,
    at: s.at,
  };
}

const readStored = (env: Env) => redisOp(() => redisFor(env).hgetall<Record<string, unknown>>(LOCKDOWN_KEY));

async function read(env: Env): Promise<LockdownState> {
  return fromStored(await readStored(env));
}

/**
 * Whether wallet signing is frozen, failing closed: an unreadable record is a 503 (redisOp) and
 * a record that exists but does not parse freezes, where the state view would call it inactive.
 */
async function signingFrozen(env: Env): Promise<boolean> {
  const raw = await readStored(env);
  if (raw === null || Object.keys(raw).length === 0) return false;
  const state = fromStored(raw);
  return !state.active || state.signing;
}

/**
 * The SUPER_ADMIN's emergency brake. `signing` freezes wallet signing until lifted; `sessions`
 * ends every session that exists now except the caller's (through the epoch the hot path reads),
 * and lifting the lockdown does not bring them back.
 */
export const lockdown = {
  read,
  signingFrozen,

  async engage(
    env: Env,
    sessions: SessionStore,
    request: { signing: boolean; sessions: boolean },
    actor: { userId: string; sid: string },
  ) {
    const now = Date.now();
    const redis = redisFor(env);
    if (request.sessions) await sessions.endAllBefore(now, actor.sid);
    const previous = await read(env);
    const state = {
      [LOCKDOWN_SIGNING_FIELD]: request.signing || previous.signing ? "1" : "0",
      sessionsEndedAt: request.sessions ? new Date(now).toISOString() : (previous.sessionsEndedAt ?? ""),
      by: actor.userId,
      at: new Date(now).toISOString(),
    };
    await redisOp(() => redis.hset(LOCKDOWN_KEY, state));
    return fromStored(state);
  },

  async lift(env: Env): Promise<void> {
    await redisOp(() => redisFor(env).del(LOCKDOWN_KEY));
  },
};
