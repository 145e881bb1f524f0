import type { Collection, Db } from "mongodb";
import { isDuplicateKeyError } from "../db/mongo.ts";
import { type ChainKey, GENESIS_LINK } from "./chain-key.ts";

/** The chain's tip: the last appended event's sequence and link, moved only by compare-and-set. */
export type ChainHead = { seq: number; link: string };
export type StoredHead = ChainHead & { startedAt: Date; startMac: string };
/** Written before a purge deletes events: verification starts after it. */
export type Checkpoint = { seq: number; link: string; at: Date; purgedAt: Date; mac: string };

const COLLECTION = "audit_chain";

/**
 * The one owner of the `audit_chain` collection (the head and the purge checkpoint); nobody else
 * knows its document ids. Both documents are small and rewritten in place.
 */
export class ChainState {
  readonly #heads: Collection<{ _id: "head" } & StoredHead>;
  readonly #checkpoints: Collection<{ _id: "checkpoint" } & Checkpoint>;
  readonly #key: ChainKey;

  constructor(db: Db, key: ChainKey) {
    this.#heads = db.collection(COLLECTION);
    this.#checkpoints = db.collection(COLLECTION);
    this.#key = key;
  }

  async head(): Promise<StoredHead | null> {
    const doc = await this.#heads.findOne({ _id: "head" });
    return doc ? { seq: doc.seq, link: doc.link, startedAt: doc.startedAt, startMac: doc.startMac } : null;
  }

  /**
   * The head, created when missing: at the newest linked event (`tip`, for a head document that
   * was lost) or at the genesis. Two processes creating it at once: one insert wins, both read it.
   */
  async headOrStart(tip: () => Promise<ChainHead | null>, now = new Date()): Promise<ChainHead> {
    const existing = await this.head();
    if (existing) return existing;
    const start = (await tip()) ?? { seq: 0, link: GENESIS_LINK };
    try {
      await this.#heads.insertOne({ _id: "head", ...start, startedAt: now, startMac: this.#key.start(now) });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return (await this.head()) ?? start;
  }

  /**
   * Compare-and-set: moves the head from `from` to `to` only if it is still at `from`, so of two
   * writers (two processes, or a process and one helping it after a crash) the head only moves
   * forward, one link at a time or to a stored tip. Returns whether this call moved it.
   */
  async advance(from: ChainHead, to: ChainHead): Promise<boolean> {
    if (to.seq <= from.seq) return false;
    const result = await this.#heads.updateOne(
      { _id: "head", seq: from.seq, link: from.link },
      { $set: { seq: to.seq, link: to.link } },
    );
    return result.modifiedCount === 1;
  }

  async checkpoint(): Promise<Checkpoint | null> {
    const doc = await this.#checkpoints.findOne({ _id: "checkpoint" });
    return doc ? { seq: doc.seq, link: doc.link, at: doc.at, purgedAt: doc.purgedAt, mac: doc.mac } : null;
  }

  /**
   * Records the last event a purge is about to delete. Only forward: a purge that computed an
   * older checkpoint than one already written (another process purging at once) leaves it alone,
   * since the events between them may already be gone.
   */
  async writeCheckpoint(last: { seq: number; link: string; at: Date }, purgedAt: Date): Promise<void> {
    const doc: Checkpoint = { ...last, purgedAt, mac: this.#key.checkpoint(last) };
    const moved = await this.#checkpoints.updateOne(
      { _id: "checkpoint", seq: { $lt: last.seq } },
      { $set: doc },
    );
    if (moved.matchedCount === 1) return;
    try {
      await this.#checkpoints.insertOne({ _id: "checkpoint", ...doc });
    } catch (error) {
      // One exists already, at or past this one: nothing to do.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
