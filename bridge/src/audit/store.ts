import {
  type AuditChainReport,
  type AuditEvent,
  type AuditEventInput,
  auditEventSchema,
} from "@tron-auth/shared/protocol";
import type { Collection, Db, Filter } from "mongodb";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../db/cursor.ts";
import { ensureIndexes, isMissingIndexError } from "../db/mongo.ts";
import { ChainAppender } from "./chain-append.ts";
import type { ChainedFields, ChainKey } from "./chain-key.ts";
import { purgeChain } from "./chain-purge.ts";
import { ChainState } from "./chain-state.ts";
import { verifyChain } from "./chain-verify.ts";
import { eventsCollection, type StoredEvent } from "./events-collection.ts";
import { type Json, maskDetails } from "./mask.ts";

type AuditDoc = Omit<AuditEvent, "id" | "details"> & { _id: string; details: Json } & Partial<ChainedFields>;

export type AuditQuery = {
  type?: string;
  userId?: string;
  /** Events whose actor has this address, or (when it has signed in) whose actor or target is its user. */
  address?: { address: string; userId?: string };
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
};
export type AuditPage = { events: AuditEvent[]; nextCursor: string | null };

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.string().max(64) });

/**
 * The audit log: every event appended to one keyed hash chain (see chain-append.ts), read by
 * admins, purged by age from the chain's start (chain-purge.ts) and verified (chain-verify.ts).
 */
export class AuditStore {
  readonly #events: Collection<AuditDoc>;
  readonly #chained: Collection<StoredEvent>;
  readonly #state: ChainState;
  readonly #appender: ChainAppender;
  readonly #key: ChainKey;
  readonly #retentionSeconds: number;

  constructor(db: Db, retentionDays: number, key: ChainKey) {
    this.#events = db.collection<AuditDoc>("audit_events");
    this.#chained = eventsCollection(db);
    this.#state = new ChainState(db, key);
    this.#appender = new ChainAppender(this.#chained, this.#state, key);
    this.#key = key;
    this.#retentionSeconds = retentionDays * 86_400;
  }

  /**
   * The unique (sparse: events from before the chain have none) index on `seq` is what serialises
   * appends. No TTL index: a server expiring events on its own would cut holes in the chain with no
   * checkpoint, so one left by an earlier version is dropped and the periodic purge does it all.
   */
  async ensureIndexes(): Promise<void> {
    await this.#events.dropIndex("at_ttl").catch((error: unknown) => {
      if (!isMissingIndexError(error)) throw error;
    });
    await ensureIndexes(this.#events, [
      { key: { seq: 1 }, unique: true, sparse: true, name: "seq_unique" },
      { key: { at: 1 }, name: "at_1" },
      { key: { type: 1, at: -1, _id: -1 } },
      { key: { "actor.id": 1, at: -1, _id: -1 } },
      { key: { "target.id": 1, at: -1, _id: -1 } },
      { key: { "actor.address": 1, at: -1, _id: -1 } },
    ]);
  }

  /** Stores an event once: a second delivery of the same id is a no-op (returns false). */
  async record(input: AuditEventInput): Promise<boolean> {
    const event = auditEventSchema.parse(input);
    const { id, details, ...rest } = event;
    return this.#appender.append({ _id: id, ...withoutUndefined(rest), details: maskDetails(details) });
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.#retentionSeconds * 1000);
    return purgeChain(this.#chained, this.#state, cutoff, now);
  }

  /** Streams the whole chain once; see chain-verify.ts for what each failure kind means. */
  verify(): Promise<AuditChainReport> {
    return verifyChain(this.#chained, this.#state, this.#key);
  }

  /** Newest first, cursor on (at, _id) so events with equal timestamps are neither lost nor repeated. */
  async query(q: AuditQuery): Promise<AuditPage> {
    const filter: Filter<AuditDoc> = {};
    if (q.type) filter.type = q.type;
    const who: Filter<AuditDoc>[] = [];
    if (q.userId) who.push({ $or: [{ "actor.id": q.userId }, { "target.id": q.userId }] });
    if (q.address) {
      const { address, userId } = q.address;
      const byId = userId ? [{ "actor.id": userId }, { "target.id": userId }] : [];
      who.push({ $or: [{ "actor.address": address }, ...byId] });
    }
    if (who.length > 0) filter.$and = who;
    const at: { $gte?: Date; $lte?: Date } = {};
    if (q.from) at.$gte = q.from;
    if (q.to) at.$lte = q.to;
    if (at.$gte || at.$lte) filter.at = at;
    const after = q.cursor ? decodeCursor(q.cursor, cursorSchema) : undefined;
    const page = after
      ? {
          $and: [
            filter,
            {
              $or: [{ at: { $lt: new Date(after.at) } }, { at: new Date(after.at), _id: { $lt: after.id } }],
            },
          ],
        }
      : filter;
    const docs = await this.#events
      .find(page as Filter<AuditDoc>)
      .sort({ at: -1, _id: -1 })
      .limit(q.limit + 1)
      .toArray();
    const events = docs.slice(0, q.limit).map(toEvent);
    const last = events.at(-1);
    const nextCursor =
      docs.length > q.limit && last ? encodeCursor({ at: last.at.toISOString(), id: last.id }) : null;
    return { events, nextCursor };
  }
}

/** The chain's fields are the store's business, not part of the event an admin reads. */
function toEvent({ _id, details, seq: _s, prev: _p, seal: _e, link: _l, ...rest }: AuditDoc): AuditEvent {
  return { id: _id, ...rest, details: details as Record<string, unknown> };
}

/**
 * What MongoDB stores for a member set to `undefined` depends on a driver option; absent is the
 * only form the link and the stored document agree on, whatever the option.
 */
function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
