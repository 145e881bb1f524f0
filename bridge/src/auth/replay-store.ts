import type { Collection, Db } from "mongodb";
import { ensureExpiryIndex, isDuplicateKeyError } from "../db/mongo.ts";

type SeenAssertion = { _id: string; expiresAt: Date };

/**
 * The ids of internal assertions already used, in MongoDB so that a restart of the bridge does
 * not forget them: a captured assertion replayed just after a restart is still refused. The
 * unique `_id` makes the check and the record one atomic insert, also across processes.
 */
export class ReplayStore {
  readonly #seen: Collection<SeenAssertion>;

  constructor(db: Db) {
    this.#seen = db.collection<SeenAssertion>("assertion_replay");
  }

  /** TTL index where supported; the periodic purge (`purgeExpired`) covers servers without. */
  async ensureIndexes(): Promise<{ ttl: boolean }> {
    return { ttl: await ensureExpiryIndex(this.#seen, "expiresAt", 0) };
  }

  /**
   * Records `jti` until `expiresAt`: true on its first use, false on any later one. An id stays
   * refused until it is purged, which is only after its assertion has expired anyway.
   */
  async firstUse(jti: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.#seen.insertOne({ _id: jti, expiresAt });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async purgeExpired(now = new Date()): Promise<number> {
    return (await this.#seen.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
  }
}
