import type { Collection, Db } from "mongodb";
import { newId } from "../db/ids.ts";
import type { Spend } from "./policy.ts";
import { policyDenied } from "./policy-denied.ts";

/** One signed amount: decimal string, because token amounts go up to 2^256. */
type SpendEntry = { _id: string; asset: string; amount: string; at: Date };

export const SPEND_WINDOW_MS = 24 * 60 * 60_000;

/**
 * What was signed in the last 24 hours, per asset (TRX and each token), in MongoDB so a restart
 * forgets nothing. A rolling window, not a calendar day: a calendar day resets at midnight and
 * lets twice the cap through around it. A reservation is taken inside the device queue before the
 * device is asked and released when no signature comes out; the queue serializes reservations, so
 * "sum, then insert" cannot interleave (one bridge per device and database).
 */
export class SpendLedger {
  readonly #entries: Collection<SpendEntry>;

  constructor(db: Db) {
    this.#entries = db.collection<SpendEntry>("wallet_spend_window");
  }

  async ensureIndexes(): Promise<void> {
    await this.#entries.createIndex({ asset: 1, at: 1 });
  }

  /** Takes room for every spend or for none; returns the reservation to release on failure. */
  async reserve(spends: readonly Spend[], now: Date): Promise<string[]> {
    const since = new Date(now.getTime() - SPEND_WINDOW_MS);
    // FerretDB has no TTL indexes: entries that left the window are purged here, on every use.
    await this.#entries.deleteMany({ at: { $lt: since } });
    for (const spend of spends) {
      if ((await this.#spentSince(spend.asset, since)) + spend.amount > spend.cap24h) {
        throw policyDenied(spend.reason, "The amount is over the rolling 24-hour signing cap.");
      }
    }
    const entries = spends
      .filter((s) => s.amount > 0n)
      .map((s) => ({
        _id: newId("spd", now.getTime()),
        asset: s.asset,
        amount: s.amount.toString(),
        at: now,
      }));
    if (entries.length > 0) await this.#entries.insertMany(entries);
    return entries.map((e) => e._id);
  }

  async release(reservation: readonly string[]): Promise<void> {
    if (reservation.length > 0) await this.#entries.deleteMany({ _id: { $in: [...reservation] } });
  }

  /** Signed (and still reserved) in the 24 hours before `now`. */
  spent(asset: string, now: Date): Promise<bigint> {
    return this.#spentSince(asset, new Date(now.getTime() - SPEND_WINDOW_MS));
  }

  async #spentSince(asset: string, since: Date): Promise<bigint> {
    let total = 0n;
    for await (const e of this.#entries.find({ asset, at: { $gte: since } }, { projection: { amount: 1 } })) {
      total += BigInt(e.amount);
    }
    return total;
  }
}
