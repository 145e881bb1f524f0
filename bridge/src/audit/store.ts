import { type AuditEvent, type AuditEventInput, auditEventSchema } from "@tron-auth/shared/protocol";
import type { Collection, Db, Filter } from "mongodb";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../db/cursor.ts";
import { ensureExpiryIndex, ensureIndexes, isDuplicateKeyError } from "../db/mongo.ts";
import { type Json, maskDetails } from "./mask.ts";

type AuditDoc = Omit<AuditEvent, "id" | "details"> & { _id: string; details: Json };

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

export class AuditStore {
  readonly #events: Collection<AuditDoc>;
  readonly #retentionSeconds: number;

  constructor(db: Db, retentionDays: number) {
    this.#events = db.collection<AuditDoc>("audit_events");
    this.#retentionSeconds = retentionDays * 86_400;
  }

  /**
   * TTL index where the server has one; FerretDB (SQLite) refuses TTL indexes, which `purge`
   * covers. Returns whether the TTL index is in place.
   */
  async ensureIndexes(): Promise<{ ttl: boolean }> {
    await ensureIndexes(this.#events, [
      { key: { type: 1, at: -1, _id: -1 } },
      { key: { "actor.id": 1, at: -1, _id: -1 } },
      { key: { "target.id": 1, at: -1, _id: -1 } },
      { key: { "actor.address": 1, at: -1, _id: -1 } },
    ]);
    return { ttl: await ensureExpiryIndex(this.#events, "at", this.#retentionSeconds) };
  }

  /** Stores an event once: a second delivery of the same id is a no-op (returns false). */
  async record(input: AuditEventInput): Promise<boolean> {
    const event = auditEventSchema.parse(input);
    const { id, details, ...rest } = event;
    try {
      await this.#events.insertOne({ _id: id, ...rest, details: maskDetails(details) });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.#retentionSeconds * 1000);
    const result = await this.#events.deleteMany({ at: { $lt: cutoff } });
    return result.deletedCount;
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

function toEvent({ _id, details, ...rest }: AuditDoc): AuditEvent {
  return { id: _id, ...rest, details: details as Record<string, unknown> };
}
