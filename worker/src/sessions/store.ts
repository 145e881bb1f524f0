import { type Role, roleSchema } from "@tron-auth/shared/auth";
import type { Redis } from "@upstash/redis/cloudflare";
import * as z from "zod/mini";
import { redisOp } from "../redis.ts";
import { livenessCache } from "./liveness-cache.ts";
import { CREATE_SESSION, REVOKE_SESSION, REVOKE_USER, ROTATE_REFRESH, SET_USER_ROLES } from "./scripts.ts";

const PREFIX = "ta:sess:";
const sessionKey = (sid: string) => `${PREFIX}${sid}`;
const userIndexKey = (uid: string) => `ta:usess:${uid}`;
const graceKey = (sid: string) => `ta:grace:${sid}`;

export type NewSession = {
  sid: string;
  userId: string;
  address: string;
  roles: readonly Role[];
  refreshHash: string;
  ip: string;
  userAgent: string;
};

export type SessionRecord = {
  sid: string;
  userId: string;
  address: string;
  roles: Role[];
  ip: string;
  userAgent: string;
  createdAt: number;
  lastUsedAt: number;
  loginAt: number;
  absoluteExpiry: number;
};

/** Roles are stored as JSON text in the session hash; unreadable JSON fails the record. */
const rolesField = z
  .pipe(
    z.string(),
    z.transform((text): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    }),
  )
  .check(z.refine((value) => Array.isArray(value), "roles not JSON"));
const rolesOf = z.pipe(rolesField, z.array(roleSchema));

const recordSchema = z.object({
  uid: z.string(),
  addr: z.string(),
  roles: z.union([z.array(roleSchema), rolesOf]),
  ip: z.coerce.string(),
  ua: z.coerce.string(),
  createdAt: z.coerce.number(),
  lastUsedAt: z.coerce.number(),
  loginAt: z.coerce.number(),
  absExp: z.coerce.number(),
});

export type RotateOutcome =
  | { outcome: "rotated"; userId: string }
  | { outcome: "grace"; userId: string; sealedPair: string }
  | { outcome: "reuse"; userId: string }
  | { outcome: "gone" };

export type SessionSettings = { lifetimeSeconds: number; maxPerUser: number; graceSeconds: number };

/** Sessions and their refresh-token families in Redis (DESIGN section 4). */
export class SessionStore {
  readonly #redis: Redis;
  readonly #settings: SessionSettings;

  constructor(redis: Redis, settings: SessionSettings) {
    this.#redis = redis;
    this.#settings = settings;
  }

  /** Creates the session and evicts the user's oldest beyond the limit; returns evicted ids. */
  async create(s: NewSession, now: number): Promise<string[]> {
    const fields = {
      uid: s.userId,
      addr: s.address,
      roles: JSON.stringify(s.roles),
      ip: s.ip,
      ua: s.userAgent,
      createdAt: String(now),
      lastUsedAt: String(now),
      loginAt: String(now),
      absExp: String(now + this.#settings.lifetimeSeconds * 1000),
      rh: s.refreshHash,
      ph: "",
      pat: "0",
    };
    const args = [
      s.sid,
      String(now),
      String(this.#settings.lifetimeSeconds),
      String(this.#settings.maxPerUser),
      PREFIX,
    ];
    for (const [k, v] of Object.entries(fields)) args.push(k, v);
    const evicted = await redisOp(() =>
      this.#redis.eval<string[], string[]>(CREATE_SESSION, [sessionKey(s.sid), userIndexKey(s.userId)], args),
    );
    const ids = Array.isArray(evicted) ? evicted.map(String) : [];
    for (const id of ids) livenessCache.forget(id);
    return ids;
  }

  async get(sid: string): Promise<SessionRecord | null> {
    const raw = await redisOp(() => this.#redis.hgetall<Record<string, unknown>>(sessionKey(sid)));
    return raw ? toRecord(sid, raw) : null;
  }

  /** `userId` comes from the session read that precedes every rotation (the tokens need it). */
  async rotate(
    sid: string,
    userId: string,
    hashes: { presented: string; fresh: string },
    sealedPair: string,
    now: number,
  ): Promise<RotateOutcome> {
    const graceMs = this.#settings.graceSeconds * 1000;
    const result = await redisOp(() =>
      this.#redis.eval<string[], unknown[]>(
        ROTATE_REFRESH,
        [sessionKey(sid), userIndexKey(userId), graceKey(sid)],
        [sid, hashes.presented, hashes.fresh, String(now), String(graceMs), sealedPair],
      ),
    );
    const [outcome, owner, box] = (Array.isArray(result) ? result : []).map(String);
    if (outcome === "reuse" || outcome === "gone") livenessCache.forget(sid);
    if (outcome === "rotated" && owner) return { outcome, userId: owner };
    if (outcome === "grace" && owner && box) return { outcome, userId: owner, sealedPair: box };
    if (outcome === "reuse" && owner) return { outcome, userId: owner };
    return { outcome: "gone" };
  }

  async revoke(sid: string, userId: string): Promise<boolean> {
    livenessCache.forget(sid);
    const deleted = await redisOp(() =>
      this.#redis.eval<string[], number>(REVOKE_SESSION, [sessionKey(sid), userIndexKey(userId)], [sid]),
    );
    return Number(deleted) > 0;
  }

  /** Role changes reach every live session of the user at once (requireAuth reads them there). */
  async setRolesForUser(userId: string, roles: readonly Role[]): Promise<string[]> {
    const changed = await redisOp(() =>
      this.#redis.eval<string[], string[]>(
        SET_USER_ROLES,
        [userIndexKey(userId)],
        [PREFIX, JSON.stringify(roles)],
      ),
    );
    const ids = Array.isArray(changed) ? changed.map(String) : [];
    for (const sid of ids) livenessCache.forget(sid);
    return ids;
  }

  /** Ends every session of a user (lock, disable). */
  async revokeAllForUser(userId: string): Promise<string[]> {
    const sids = await redisOp(() =>
      this.#redis.eval<string[], string[]>(REVOKE_USER, [userIndexKey(userId)], [PREFIX]),
    );
    const ids = Array.isArray(sids) ? sids.map(String) : [];
    for (const sid of ids) livenessCache.forget(sid);
    return ids;
  }

  async listForUser(userId: string): Promise<SessionRecord[]> {
    const sids = await redisOp(() => this.#redis.zrange<string[]>(userIndexKey(userId), 0, -1));
    const records = await Promise.all(sids.map((sid) => this.get(String(sid))));
    return records.filter((r): r is SessionRecord => r !== null).sort((a, b) => b.createdAt - a.createdAt);
  }
}

function toRecord(sid: string, raw: Record<string, unknown>): SessionRecord | null {
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) return null;
  const r = parsed.data;
  return {
    sid,
    userId: r.uid,
    address: r.addr,
    roles: r.roles,
    ip: r.ip,
    userAgent: r.ua,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    loginAt: r.loginAt,
    absoluteExpiry: r.absExp,
  };
}

/** "<ms>:<exempt sid>": sessions that logged in before `ms` are over (lockdown), except one. */
const EPOCH_KEY = "ta:sessions:epoch";

export const sessionKeys = { sessionKey, userIndexKey, EPOCH_KEY };
