import { createHash } from "node:crypto";
import { AppError, type Problem } from "@tron-auth/shared/problems";
import { WALLET_OPERATION_TTL_MS, type WalletOperation } from "@tron-auth/shared/protocol";
import type { Collection, Db, IndexDescription } from "mongodb";
import { newId } from "../db/ids.ts";
import { ensureIndexes, isDuplicateKeyError } from "../db/mongo.ts";

type Kind = WalletOperation["kind"];
type Result = NonNullable<WalletOperation["result"]>;

export type OperationDoc = {
  _id: string;
  /** SHA-256 of user id and Idempotency-Key: one operation per pair (unique index). */
  dedupe: string;
  userId: string;
  /** SHA-256 of what was asked: the same key with another request is refused. */
  requestHash: string;
  kind: Kind;
  status: WalletOperation["status"];
  result?: Result;
  problem?: Problem;
  createdAt: Date;
  updatedAt: Date;
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function toOperation(doc: OperationDoc): WalletOperation {
  return {
    id: doc._id,
    kind: doc.kind,
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    ...(doc.result ? { result: doc.result } : {}),
    ...(doc.problem ? { problem: doc.problem } : {}),
  };
}

/** One operation per user and Idempotency-Key; interrupted ones are found by age. */
const OPERATION_INDEXES: IndexDescription[] = [
  { key: { dedupe: 1 }, unique: true, name: "dedupe_unique" },
  { key: { createdAt: 1 } },
  { key: { createdAt: -1, _id: -1 } },
];

/**
 * Signing operations in MongoDB, keyed by user and Idempotency-Key, so a retry (after the worker
 * gave up waiting, or after a bridge restart) finds the first request instead of signing twice.
 */
export class OperationStore {
  readonly #ops: Collection<OperationDoc>;

  constructor(db: Db) {
    this.#ops = db.collection<OperationDoc>("wallet_operations");
  }

  ensureIndexes(): Promise<void> {
    return ensureIndexes(this.#ops, OPERATION_INDEXES);
  }

  /**
   * The operation for (user, key): a new pending one, or the existing one when the request is the
   * same. `request` is hashed as given, so callers pass it in one canonical form.
   */
  async claim(o: { userId: string; key: string; kind: Kind; request: unknown; now: Date }) {
    // FerretDB has no TTL indexes: finished operations past their time are purged here.
    const cutoff = new Date(o.now.getTime() - WALLET_OPERATION_TTL_MS);
    await this.#ops.deleteMany({ createdAt: { $lt: cutoff }, status: { $ne: "pending" } });
    const doc: OperationDoc = {
      _id: newId("wop", o.now.getTime()),
      dedupe: sha256(`${o.userId}\n${o.key}`),
      userId: o.userId,
      requestHash: sha256(JSON.stringify([o.kind, o.request])),
      kind: o.kind,
      status: "pending",
      createdAt: o.now,
      updatedAt: o.now,
    };
    try {
      await this.#ops.insertOne(doc);
      return { doc, created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await this.#ops.findOne({ dedupe: doc.dedupe });
    if (!existing) throw new AppError("conflict", "The operation changed concurrently; retry.");
    if (existing.requestHash !== doc.requestHash) {
      throw new AppError("idempotency_key_reused", "This Idempotency-Key was used for another request.");
    }
    return { doc: existing, created: false };
  }

  async finish(
    id: string,
    outcome: { status: "succeeded"; result: Result } | { status: "failed"; problem: Problem },
    now: Date,
  ): Promise<void> {
    await this.#ops.updateOne({ _id: id, status: "pending" }, { $set: { ...outcome, updatedAt: now } });
  }

  /** The caller's own operation; another user's reads as absent. */
  async get(id: string, userId: string): Promise<OperationDoc | null> {
    return this.#ops.findOne({ _id: id, userId });
  }

  /** The newest operations of every user, for the console. */
  recent(limit: number): Promise<OperationDoc[]> {
    return this.#ops.find({}).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
  }

  /** At start: what was pending died with the previous process; say so instead of pending forever. */
  async interruptPending(problem: Problem, now: Date): Promise<number> {
    const res = await this.#ops.updateMany(
      { status: "pending" },
      { $set: { status: "failed", problem, updatedAt: now } },
    );
    return res.modifiedCount;
  }
}
