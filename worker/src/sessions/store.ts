import type { Role } from "@tron-auth/shared/auth";
import type { Redis } from "@upstash/redis/cloudflare";
import * as z from "zod/mini";
import { redisOp } from "../platform/redis.ts";
import { endedByLockdown, formatEpoch } from "./epoch.ts";
import { EPOCH_KEY, graceKey, ROLE_STATE_PREFIX, SESSION_PREFIX, sessionKey, userIndexKey } from "./keys.ts";
import { type LiveSession, livenessCache } from "./liveness-cache.ts";
import {
  decodeScriptJson,
  hashArgs,
  macOf,
  READ_FIELDS,
  type ReadOutcome,
  type SessionRecord,
  type StoredSession,
  type VerifiedSession,
  verifySession,
} from "./record.ts";
import { type MacRing, macRingFrom } from "./record-mac.ts";
import { parseRoleChangeState, RoleChanges, rolesCurrent } from "./role-changes.ts";
import {
  CREATE_SESSION,
  READ_SESSION,
  REVOKE_SESSION,
  REVOKE_USER,
  ROTATE_REFRESH,
  SESSION_STATE,
  SET_SESSION_ROLES,
} from "./scripts.ts";

export type { SessionRecord, VerifiedSession } from "./record.ts";
export type { ChangeEnd } from "./role-changes.ts";

/** A session whose record changed between read and write is retried this often, then refused. */
const ROLE_WRITE_ATTEMPTS = 3;

export type NewSession = {
  sid: string;
  userId: string;
  address: string;
  roles: readonly Role[];
  /** The roles clock value read before `roles` was fetched from the bridge. */
  rolesAsOf: number;
  refreshHash: string;
  ip: string;
  userAgent: string;
  /** DPoP: the thumbprint of the key that signed the sign-in's proof; undefined for bearer. */
  jkt: string | undefined;
};

export type RotateOutcome =
  | { outcome: "rotated" }
  | { outcome: "grace"; sealedPair: string }
  | { outcome: "reuse" }
  | { outcome: "gone" }
  /** The record is no longer the one verified (a concurrent rotation or role change): read again. */
  | { outcome: "changed" };

export type SessionSettings = {
  lifetimeSeconds: number;
  maxPerUser: number;
  graceSeconds: number;
  /** SESSION_MAC_KEY: records are written with its first key and read only when a key verifies. */
  macKeys: string | undefined;
  /** Told when a record is present but fails its MAC (it is then treated as absent). */
  onTamper?: (sid: string) => void;
};

const stateReply = z.tuple([z.unknown(), z.union([z.string(), z.literal(false), z.null()]), z.unknown()]);

/** A session as authentication sees it, and whether its roles are the user's current ones. */
export type CurrentSession = { session: VerifiedSession; rolesCurrent: boolean };

/** What a request needs of its session: who, which roles, since when; and whether they may be stale. */
export type Liveness = {
  session: LiveSession;
  /** The verified record when its roles may be stale (a role change since they were read). */
  stale: VerifiedSession | undefined;
};

/**
 * Sessions and their refresh-token families in Redis. The only module that knows their keys; every
 * read verifies the record's MAC, every write carries one made here.
 */
export class SessionStore {
  readonly #redis: Redis;
  readonly #settings: SessionSettings;
  /** Admin role changes and the clock sessions' roles are tagged with. */
  readonly roleChanges: RoleChanges;

  constructor(redis: Redis, settings: SessionSettings) {
    this.#redis = redis;
    this.#settings = settings;
    // A day beyond a session's lifetime: no session outlives the state its roles are judged by.
    this.roleChanges = new RoleChanges(redis, settings.lifetimeSeconds + 86_400);
  }

  #ring(): Promise<MacRing> {
    return macRingFrom(this.#settings.macKeys);
  }

  /** Creates the session and evicts the user's oldest beyond the limit; returns evicted ids. */
  async create(s: NewSession, now: number): Promise<string[]> {
    const stored: StoredSession = {
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
      rat: String(s.rolesAsOf),
      ...(s.jkt === undefined ? {} : { jkt: s.jkt }),
    };
    const mac = await macOf(await this.#ring(), s.sid, stored);
    const args = [
      s.sid,
      String(now),
      String(this.#settings.lifetimeSeconds),
      String(this.#settings.maxPerUser),
      SESSION_PREFIX,
      ...hashArgs(stored, mac),
    ];
    const evicted = await redisOp(() =>
      CREATE_SESSION.run(this.#redis, [sessionKey(s.sid), userIndexKey(s.userId)], args),
    );
    const ids = Array.isArray(evicted) ? evicted.map(String) : [];
    for (const id of ids) livenessCache.forget(id);
    return ids;
  }

  async #read(sid: string): Promise<ReadOutcome> {
    const raw = redisOp(() => READ_SESSION.run(this.#redis, [sessionKey(sid)], READ_FIELDS));
    const [reply, ring] = await Promise.all([raw, this.#ring()]);
    return this.#reported(sid, await verifySession(ring, sid, reply));
  }

  #reported(sid: string, outcome: ReadOutcome): ReadOutcome {
    if (outcome.state === "tampered") this.#settings.onTamper?.(sid);
    return outcome;
  }

  /** The record if it exists and its MAC verifies (for listing and ownership checks). */
  async get(sid: string): Promise<SessionRecord | null> {
    const outcome = await this.#read(sid);
    return outcome.state === "live" ? outcome.session.record : null;
  }

  /**
   * The session as authentication sees it, in one round trip (the hot path pipelines it with the
   * rate limiter): its MAC verifies, it is within its absolute lifetime and no lockdown ended it;
   * with whether its roles are current (no role change of the user since they were read).
   * A session found over is deleted, so the next read does not have to decide again.
   */
  async current(sid: string, now: number): Promise<CurrentSession | undefined> {
    // Issued before anything is awaited, so it joins the same tick's auto-pipelined request.
    const raw = redisOp(() =>
      SESSION_STATE.run(this.#redis, [sessionKey(sid), EPOCH_KEY], [ROLE_STATE_PREFIX, ...READ_FIELDS]),
    );
    const [reply, ring] = await Promise.all([raw, this.#ring()]);
    const parsed = stateReply.safeParse(decodeScriptJson(reply));
    const [values, epoch, roleState] = parsed.success ? parsed.data : [undefined, null, undefined];
    const outcome = this.#reported(sid, await verifySession(ring, sid, values));
    if (outcome.state !== "live") {
      livenessCache.forget(sid);
      return undefined;
    }
    const { record } = outcome.session;
    if (record.absoluteExpiry <= now || endedByLockdown(epoch, sid, record.loginAt)) {
      await this.revoke(sid, record.userId);
      return undefined;
    }
    const rolesAreCurrent = rolesCurrent(parseRoleChangeState(roleState), record.rolesAsOf);
    return { session: outcome.session, rolesCurrent: rolesAreCurrent };
  }

  /**
   * The hot path's view of a session: from this isolate's memory when it saw the session live
   * within `maxStalenessMs` (0: always from Redis), else as `current` reads it. The memory trades
   * a bounded revocation delay in other isolates for no Upstash round trip; privileged routes
   * pass 0. Issues its Redis command before anything is awaited (auto-pipelining).
   */
  live(sid: string, now: number, maxStalenessMs: number): Promise<Liveness | undefined> {
    const cached = maxStalenessMs > 0 ? livenessCache.get(sid, now) : undefined;
    if (cached) return Promise.resolve({ session: cached, stale: undefined });
    return this.current(sid, now).then((current) => {
      if (!current) return undefined;
      const { userId: uid, roles, loginAt, jkt } = current.session.record;
      const session = { uid, roles, loginAt, jkt };
      if (maxStalenessMs > 0) livenessCache.remember(sid, session, now + maxStalenessMs);
      return { session, stale: current.rolesCurrent ? undefined : current.session };
    });
  }

  /** Whether `refreshHash` is the hash of the session's current refresh token (not an earlier one). */
  holdsCurrentRefresh(session: VerifiedSession, refreshHash: string): boolean {
    return session.stored.rh === refreshHash;
  }

  /**
   * Lockdown: every session that logged in before `now` is over, except `exemptSid` (the caller's).
   * One value the hot path reads in the same command as the session; ended sessions are deleted
   * as they are next seen.
   */
  async endAllBefore(now: number, exemptSid: string): Promise<void> {
    await redisOp(() => this.#redis.set(EPOCH_KEY, formatEpoch(now, exemptSid)));
  }

  /**
   * One rotation step on a session the caller has just verified: the script writes only if the
   * record still carries that session's MAC. The new MAC covers the rotated record.
   */
  async rotate(
    session: VerifiedSession,
    hashes: { presented: string; fresh: string },
    sealedPair: string,
    now: number,
  ): Promise<RotateOutcome> {
    const { sid, userId } = session.record;
    const rotated: StoredSession = {
      ...session.stored,
      rh: hashes.fresh,
      ph: hashes.presented,
      pat: String(now),
      lastUsedAt: String(now),
    };
    const mac = await macOf(await this.#ring(), sid, rotated);
    const graceMs = this.#settings.graceSeconds * 1000;
    const result = await redisOp(() =>
      ROTATE_REFRESH.run(
        this.#redis,
        [sessionKey(sid), userIndexKey(userId), graceKey(sid)],
        [sid, session.mac, hashes.presented, hashes.fresh, String(now), String(graceMs), sealedPair, mac],
      ),
    );
    const [outcome, box] = (Array.isArray(result) ? result : []).map(String);
    if (outcome !== "rotated") livenessCache.forget(sid);
    if (outcome === "rotated" || outcome === "reuse" || outcome === "changed") return { outcome };
    if (outcome === "grace" && box) return { outcome, sealedPair: box };
    return { outcome: "gone" };
  }

  async revoke(sid: string, userId: string): Promise<boolean> {
    livenessCache.forget(sid);
    const deleted = await redisOp(() =>
      REVOKE_SESSION.run(this.#redis, [sessionKey(sid), userIndexKey(userId)], [sid]),
    );
    return Number(deleted) > 0;
  }

  /**
   * New roles, read from the bridge at clock value `rolesAsOf`, on one session just verified;
   * written only if the record did not change since. Returns the session as written, or
   * undefined when it had changed (the caller reads it again).
   */
  async setRoles(
    session: VerifiedSession,
    roles: readonly Role[],
    rolesAsOf: number,
  ): Promise<VerifiedSession | undefined> {
    const [written] = await this.#writeRoles(session.record.userId, [session], roles, rolesAsOf);
    return written;
  }

  /**
   * Role changes reach every live session of the user at once (requireAuth reads them there). Each
   * record gets a new MAC over its new roles, written only if it did not change since it was read;
   * one that did (a rotation in between) is read and tried again.
   */
  async setRolesForUser(userId: string, roles: readonly Role[], rolesAsOf: number): Promise<string[]> {
    const changed: string[] = [];
    let pending = await this.#sessionIdsOf(userId);
    for (let attempt = 0; attempt < ROLE_WRITE_ATTEMPTS && pending.length > 0; attempt++) {
      const live = await this.#liveSessions(userId, pending);
      if (live.length === 0) break;
      const written = await this.#writeRoles(userId, live, roles, rolesAsOf);
      const ids = written.flatMap((s) => (s ? [s.record.sid] : []));
      changed.push(...ids);
      pending = live.map((s) => s.record.sid).filter((sid) => !ids.includes(sid));
    }
    return changed;
  }

  /** One compare-and-set per session; the result lines up with `sessions` (undefined: changed meanwhile). */
  async #writeRoles(
    userId: string,
    sessions: readonly VerifiedSession[],
    roles: readonly Role[],
    rolesAsOf: number,
  ): Promise<(VerifiedSession | undefined)[]> {
    const ring = await this.#ring();
    const updates = await Promise.all(
      sessions.map(async (s) => {
        const stored = { ...s.stored, roles: JSON.stringify(roles), rat: String(rolesAsOf) };
        return { sid: s.record.sid, before: s.mac, stored, mac: await macOf(ring, s.record.sid, stored) };
      }),
    );
    const args = [
      SESSION_PREFIX,
      ...updates.flatMap((u) => [u.sid, u.before, u.stored.roles, u.stored.rat, u.mac]),
    ];
    const done = await redisOp(() => SET_SESSION_ROLES.run(this.#redis, [userIndexKey(userId)], args));
    const ids = new Set(Array.isArray(done) ? done.map(String) : []);
    return updates.map((u, i) => {
      livenessCache.forget(u.sid);
      const session = sessions[i];
      if (!ids.has(u.sid) || !session) return undefined;
      const record = { ...session.record, roles: [...roles], rolesAsOf };
      return { record, stored: u.stored, mac: u.mac };
    });
  }

  /** Ends every session of a user (lock, disable). */
  async revokeAllForUser(userId: string): Promise<string[]> {
    const sids = await redisOp(() => REVOKE_USER.run(this.#redis, [userIndexKey(userId)], [SESSION_PREFIX]));
    const ids = Array.isArray(sids) ? sids.map(String) : [];
    for (const sid of ids) livenessCache.forget(sid);
    return ids;
  }

  async listForUser(userId: string): Promise<SessionRecord[]> {
    const live = await this.#liveSessions(userId, await this.#sessionIdsOf(userId));
    return live.map((s) => s.record).sort((a, b) => b.createdAt - a.createdAt);
  }

  async #sessionIdsOf(userId: string): Promise<string[]> {
    const sids = await redisOp(() => this.#redis.zrange<string[]>(userIndexKey(userId), 0, -1));
    return sids.map(String);
  }

  /** Reads (auto-pipelined) and verifies; a record naming another user is not this user's session. */
  async #liveSessions(userId: string, sids: readonly string[]): Promise<VerifiedSession[]> {
    const outcomes = await Promise.all(sids.map((sid) => this.#read(sid)));
    return outcomes.flatMap((o) =>
      o.state === "live" && o.session.record.userId === userId ? [o.session] : [],
    );
  }
}
