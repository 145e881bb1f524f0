import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ChainKey } from "../src/audit/chain-key.ts";
import { AuditStore } from "../src/audit/store.ts";
import { connectDatabase, type Database } from "../src/db/mongo.ts";

let database: Database;
let audit: AuditStore;
const key = new ChainKey(randomBytes(32));

beforeAll(async () => {
  database = await connectDatabase(inject("mongoUri"), `audit_${randomBytes(6).toString("hex")}`);
  audit = new AuditStore(database.db, 90, key);
  await audit.ensureIndexes();
});
afterAll(() => database.close());

const DAY = 86_400_000;
let seq = 0;
const event = (
  o: {
    type?: string;
    at?: Date;
    actorId?: string;
    targetId?: string;
    details?: Record<string, unknown>;
  } = {},
) => ({
  id: `evt_test_${++seq}_${randomBytes(4).toString("hex")}`,
  at: o.at ?? new Date(),
  type: o.type ?? "login_success",
  outcome: "success" as const,
  actor: o.actorId ? { id: o.actorId } : {},
  ...(o.targetId ? { target: { type: "user", id: o.targetId } } : {}),
  details: o.details ?? {},
});

describe("audit store", () => {
  it("stores a redelivered event once", async () => {
    const e = event({ actorId: "usr_once" });
    expect(await audit.record(e)).toBe(true);
    expect(await audit.record(e)).toBe(false);
    const page = await audit.query({ userId: "usr_once", limit: 10 });
    expect(page.events.map((x) => x.id)).toEqual([e.id]);
  });

  it("masks secrets at any depth and neutralises operator keys", async () => {
    const e = event({
      actorId: "usr_mask",
      details: {
        refreshToken: "rt-secret",
        nested: { deeper: { signature: "0xsig", apiKey: "k" } },
        $where: "x",
        "a.b": 1,
        kept: "visible",
      },
    });
    await audit.record(e);
    const [stored] = (await audit.query({ userId: "usr_mask", limit: 1 })).events;
    expect(stored?.details).toEqual({
      refreshToken: "[masked]",
      nested: { deeper: { signature: "[masked]", apiKey: "[masked]" } },
      _where: "x",
      a_b: 1,
      kept: "visible",
    });
  });

  it("refuses malformed events instead of storing them", async () => {
    await expect(audit.record({ ...event(), type: "Bad Type" })).rejects.toThrow();
    await expect(audit.record({ ...event(), id: "x" })).rejects.toThrow();
  });

  it("queries by type, user (as actor or target) and time range, newest first, across equal timestamps", async () => {
    const at = new Date(Date.now() - 3_600_000);
    const same = Array.from({ length: 5 }, () => event({ type: "role_change", targetId: "usr_page", at }));
    const older = event({ type: "role_change", actorId: "usr_page", at: new Date(at.getTime() - 1_000) });
    const otherType = event({ type: "user_lock", targetId: "usr_page", at });
    for (const e of [...same, older, otherType]) await audit.record(e);

    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.query({
        type: "role_change",
        userId: "usr_page",
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(ids.at(-1)).toBe(older.id);

    const window = await audit.query({
      userId: "usr_page",
      from: new Date(at.getTime() - 500),
      to: at,
      limit: 50,
    });
    expect(window.events.map((e) => e.id)).not.toContain(older.id);
    expect(window.events).toHaveLength(6);
  });

  it("queries by address: the actor's address, and the user's id as actor or target when one is given", async () => {
    const address = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8";
    const failed = { ...event({ type: "login_failure" }), actor: { address } };
    const asActor = event({ actorId: "usr_addr" });
    const asTarget = event({ type: "user_lock", targetId: "usr_addr" });
    const someoneElse = event({ actorId: "usr_other_addr" });
    for (const e of [failed, asActor, asTarget, someoneElse]) await audit.record(e);
    const ids = async (q: { address: string; userId?: string }) =>
      (await audit.query({ address: q, limit: 50 })).events.map((e) => e.id).sort();
    expect(await ids({ address })).toEqual([failed.id]);
    expect(await ids({ address, userId: "usr_addr" })).toEqual([failed.id, asActor.id, asTarget.id].sort());
    const both = await audit.query({
      address: { address, userId: "usr_addr" },
      type: "user_lock",
      limit: 50,
    });
    expect(both.events.map((e) => e.id)).toEqual([asTarget.id]);
  });

  it("purges events past retention and keeps the rest", async () => {
    // Its own database: the purge removes a prefix of the chain, and this file's other events are newer.
    const own = new AuditStore(database.client.db(`purge_${randomBytes(6).toString("hex")}`), 90, key);
    await own.ensureIndexes();
    const old = event({ actorId: "usr_purge", at: new Date(Date.now() - 91 * DAY) });
    const recent = event({ actorId: "usr_purge", at: new Date(Date.now() - 89 * DAY) });
    await own.record(old);
    await own.record(recent);
    expect(await own.purgeExpired()).toBe(1);
    const left = await own.query({ userId: "usr_purge", limit: 10 });
    expect(left.events.map((e) => e.id)).toEqual([recent.id]);
    expect(await own.verify()).toMatchObject({ ok: true, checked: 1, checkpoint: { seq: 1 } });
  });

  it("indexes `at` for retention without a TTL (a server expiring events would cut the chain), and drops an old TTL index", async () => {
    const events = database.db.collection("audit_events");
    await events.dropIndex("at_1");
    if (inject("mongoSupportsTtl"))
      await events.createIndex({ at: 1 }, { expireAfterSeconds: 60, name: "at_ttl" });
    await audit.ensureIndexes();
    const indexes = await events.listIndexes().toArray();
    const onAt = indexes.filter((ix) => JSON.stringify(ix.key) === JSON.stringify({ at: 1 }));
    expect(onAt.map((ix) => [ix.name, ix.expireAfterSeconds])).toEqual([["at_1", undefined]]);
    const onSeq = indexes.find((ix) => JSON.stringify(ix.key) === JSON.stringify({ seq: 1 }));
    // Sparse on MongoDB (events from before the chain have no seq); FerretDB does not report it.
    expect(onSeq).toMatchObject({ unique: true });
  });
});
