import { MongoClient } from "mongodb";

export type Expected = { requestId: string; type: string };
export type Counted = Expected & { stored: number };

export type AuditCounter = {
  /**
   * How many times each expected event is stored, once the numbers have stopped moving (the
   * bridge drains the Redis outbox every AUDIT_OUTBOX_POLL_MS, and may have a backlog after an
   * outage): read until two reads a drain interval apart agree and nothing is missing, or time is up.
   */
  settle(expected: Expected[]): Promise<Counted[]>;
  close(): Promise<void>;
};

const SETTLE_LIMIT_MS = 30_000;

/** Counts audit events in MongoDB directly, by request id and type: the bridge is not asked. */
export async function auditCounter(uri: string, db: string, pollMs: number): Promise<AuditCounter> {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
  const events = client.db(db).collection<{ _id: string; requestId?: string; type: string }>("audit_events");

  async function count(expected: Expected[]): Promise<Counted[]> {
    const ids = [...new Set(expected.map((e) => e.requestId))];
    const stored = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 500) {
      const docs = await events
        .find({ requestId: { $in: ids.slice(i, i + 500) } }, { projection: { requestId: 1, type: 1 } })
        .toArray();
      for (const d of docs) {
        const key = `${d.requestId} ${d.type}`;
        stored.set(key, (stored.get(key) ?? 0) + 1);
      }
    }
    return expected.map((e) => ({ ...e, stored: stored.get(`${e.requestId} ${e.type}`) ?? 0 }));
  }

  return {
    settle: async (expected) => {
      const deadline = Date.now() + SETTLE_LIMIT_MS;
      let last = "";
      for (;;) {
        const counts = await count(expected).catch(() => undefined);
        const now = JSON.stringify(counts?.map((c) => c.stored));
        if (counts && now === last && counts.every((c) => c.stored > 0)) return counts;
        if (counts && Date.now() > deadline) return counts;
        last = now;
        await new Promise((r) => setTimeout(r, pollMs * 2));
      }
    },
    close: () => client.close(),
  };
}
