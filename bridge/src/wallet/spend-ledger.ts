import { AppError } from "@tron-auth/shared/problems";
import type { Collection, Db } from "mongodb";
import { isDuplicateKeyError } from "../db/mongo.ts";

type SpendDoc = { _id: string; totalSun: number };

/**
 * TRX signed per UTC day, in MongoDB so a restart does not reset the day. A reservation is taken
 * before the device is asked and released if the signature does not come; the device queue
 * serializes them, and the conditional upsert refuses an amount that would cross the cap.
 */
export class SpendLedger {
  readonly #days: Collection<SpendDoc>;
  readonly #capSun: number;

  constructor(db: Db, capSun: number) {
    this.#days = db.collection<SpendDoc>("wallet_spend");
    this.#capSun = capSun;
  }

  static day(now: Date): string {
    return now.toISOString().slice(0, 10);
  }

  async reserve(amountSun: number, now: Date): Promise<string> {
    const day = SpendLedger.day(now);
    if (amountSun === 0) return day;
    const denied = new AppError("signing_policy_denied", "The amount is over today's signing cap.", {
      reason: "per_day_cap",
    });
    if (amountSun > this.#capSun) throw denied;
    try {
      const doc = await this.#days.findOneAndUpdate(
        { _id: day, totalSun: { $lte: this.#capSun - amountSun } },
        { $inc: { totalSun: amountSun } },
        { upsert: true, returnDocument: "after" },
      );
      if (!doc) throw denied;
    } catch (error) {
      // The day exists but the filter failed: the upsert collides with it, so the cap is reached.
      if (isDuplicateKeyError(error)) throw denied;
      throw error;
    }
    return day;
  }

  async release(day: string, amountSun: number): Promise<void> {
    if (amountSun > 0) await this.#days.updateOne({ _id: day }, { $inc: { totalSun: -amountSun } });
  }

  async totalFor(now: Date): Promise<number> {
    return (await this.#days.findOne({ _id: SpendLedger.day(now) }))?.totalSun ?? 0;
  }
}
