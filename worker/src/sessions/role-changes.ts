import type { Redis } from "@upstash/redis/cloudflare";
import * as z from "zod/mini";
import { redisOp } from "../platform/redis.ts";
import { ROLES_CLOCK_KEY, roleStateKey } from "./keys.ts";
import { ROLE_CHANGE_BEGIN, ROLE_CHANGE_END, ROLES_TAG } from "./scripts.ts";

/**
 * Fresh roles. The bridge owns a user's roles and lock; sessions in Redis carry a copy, tagged
 * with the roles clock value read before that copy was fetched from the bridge ("roles as of").
 * An admin change marks the user in flight before the bridge is asked and, once it answered,
 * advances the clock and records it as the user's `changed`. A session's copy is trusted only
 * when no change is in flight and it was read at or after `changed`: a change whose Redis update
 * failed, or a login that fetched roles while a change committed, leaves sessions that are not
 * trusted, so refresh and privileged routes fetch the roles again from the bridge.
 */
/**
 * A change not ended after this long counts as abandoned (its end was lost with Redis): the bridge
 * call it waited for was bounded by the 30 s internal assertion long before.
 */
const ABANDONED_AFTER_MS = 5 * 60_000;

export type RoleChangeState = { inflight: number; changed: number };

const count = z.catch(z.coerce.number().check(z.int(), z.minimum(0)), 0);
const stateReply = z.union([z.tuple([z.unknown(), z.unknown(), z.unknown()]), z.literal(false), z.null()]);

/** The state as the session script returns it ([inflight, changed, began] or nothing). */
export function parseRoleChangeState(raw: unknown): RoleChangeState {
  const parsed = stateReply.safeParse(raw);
  const [inflight, changed] = parsed.success && Array.isArray(parsed.data) ? parsed.data : [0, 0];
  return { inflight: count.parse(inflight ?? 0), changed: count.parse(changed ?? 0) };
}

/** Whether roles read at clock value `rolesAsOf` are the user's current roles. */
export function rolesCurrent(state: RoleChangeState, rolesAsOf: number): boolean {
  return state.inflight === 0 && rolesAsOf >= state.changed;
}

export type ChangeEnd = { changed: number; alone: boolean };

export class RoleChanges {
  readonly #redis: Redis;
  readonly #ttlSeconds: number;

  /** `ttlSeconds`: at least a session's lifetime, so no session outlives the state it is judged by. */
  constructor(redis: Redis, ttlSeconds: number) {
    this.#redis = redis;
    this.#ttlSeconds = ttlSeconds;
  }

  /** Before the bridge is asked: fails (503) with nothing changed when Redis cannot record it. */
  async begin(uid: string, now = Date.now()): Promise<void> {
    await redisOp(() =>
      ROLE_CHANGE_BEGIN.run(
        this.#redis,
        [roleStateKey(uid)],
        [String(now), String(this.#ttlSeconds), String(ABANDONED_AFTER_MS)],
      ),
    );
  }

  /** After the bridge answered (or failed): sessions read before now are no longer trusted. */
  async end(uid: string): Promise<ChangeEnd> {
    const reply = await redisOp(() =>
      ROLE_CHANGE_END.run(this.#redis, [roleStateKey(uid), ROLES_CLOCK_KEY], [String(this.#ttlSeconds)]),
    );
    const [changed, alone] = Array.isArray(reply) ? reply.map(Number) : [];
    return { changed: changed ?? 0, alone: alone === 1 };
  }

  /** The tag for roles about to be read from the bridge for `uid` (closing an abandoned change). */
  async tagFor(uid: string, now = Date.now()): Promise<number> {
    const tag = await redisOp(() =>
      ROLES_TAG.run(
        this.#redis,
        [roleStateKey(uid), ROLES_CLOCK_KEY],
        [String(now), String(ABANDONED_AFTER_MS)],
      ),
    );
    return Number(tag) || 0;
  }

  /** The tag for a sign-in, which does not know the user's id before the bridge answers. */
  async clock(): Promise<number> {
    return Number(await redisOp(() => this.#redis.get<number>(ROLES_CLOCK_KEY))) || 0;
  }
}
