import { randomBytes } from "node:crypto";
import type { AuditChainReport } from "@tron-auth/shared/protocol";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { canonicalJson } from "../src/audit/canonical.ts";
import { ChainKey } from "../src/audit/chain-key.ts";
import { ChainState } from "../src/audit/chain-state.ts";
import { AuditStore } from "../src/audit/store.ts";
import { connectDatabase, type Database } from "../src/db/mongo.ts";

/**
 * The tamper evidence, tested the way an attacker with the database would act: editing,
 * deleting, renumbering and inserting documents in MongoDB directly, without the chain key.
 * Each tamper test names the kind and the sequence number it expects, so a verifier that skipped
 * the check in question would either pass the chain or name another kind, and fail the test.
 */

let database: Database;
const key = new ChainKey(randomBytes(32));
const DAY = 86_400_000;

beforeAll(async () => {
  database = await connectDatabase(inject("mongoUri"), "admin");
});
afterAll(() => database.close());

/** A fresh database with `n` events chained in it, one store on it. */
async function chainOf(n: number, at: (i: number) => Date = () => new Date()) {
  const db = database.client.db(`chain_${randomBytes(6).toString("hex")}`);
  const audit = new AuditStore(db, 90, key);
  await audit.ensureIndexes();
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const id = eventId(i);
    ids.push(id);
    await audit.record(event(id, at(i)));
  }
  return { db, audit, ids, events: db.collection<Record<string, unknown> & { _id: string }>("audit_events") };
}

const eventId = (i: number) => `evt_chain_${i}_${randomBytes(4).toString("hex")}`;
const event = (id: string, at = new Date()) => ({
  id,
  at,
  type: "login_failure",
  outcome: "failure" as const,
  actor: { address: "TKnownAddressForTheChainTests1" },
  client: { ip: "192.0.2.7" },
  details: { reason: "bad_signature", attempt: 1 },
});

const failureOf = (report: AuditChainReport) =>
  report.failure ? { kind: report.failure.kind, seq: report.failure.seq } : null;

describe("audit chain: canonical form", () => {
  it("encodes objects independently of member order, and dates apart from strings", () => {
    const at = new Date("2026-01-02T03:04:05.006Z");
    expect(canonicalJson({ b: 1, a: { d: [1, "x"], c: null }, e: undefined })).toBe(
      '{"a":{"c":null,"d":[1,"x"]},"b":1}',
    );
    expect(canonicalJson({ a: { c: null, d: [1, "x"] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [1, "x"], c: null } }),
    );
    expect(canonicalJson({ at })).toBe('{"at":{"$date":"2026-01-02T03:04:05.006Z"}}');
    expect(canonicalJson({ at })).not.toBe(canonicalJson({ at: at.toISOString() }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson(Number.NaN)).toBe('{"$bson":"number"}');
  });

  it("gives each purpose its own MAC, so a seal is never a valid link", () => {
    const other = new ChainKey(randomBytes(32));
    expect(key.seal("evt_x_12345678")).not.toBe(other.seal("evt_x_12345678"));
    expect(key.seal("x")).not.toBe(key.link({ _id: "x" }));
    expect(() => new ChainKey(randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});

describe("audit chain: appends and verification", () => {
  it("verifies an untouched chain, whose events each carry their sequence, previous link and link", async () => {
    const { audit, events, ids } = await chainOf(5);
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, checked: 5, unlinked: 0, failure: null, checkpoint: null });
    expect(report.head?.seq).toBe(5);
    const docs = await events.find().sort({ seq: 1 }).toArray();
    expect(docs.map((d) => d._id)).toEqual(ids);
    expect(docs[0]?.prev).toBe("genesis");
    for (let i = 1; i < docs.length; i++) expect(docs[i]?.prev).toBe(docs[i - 1]?.link);
    expect(report.head?.link).toBe(docs.at(-1)?.link);
    // The admin read shows the event, not the chain's bookkeeping.
    const [shown] = (await audit.query({ limit: 1 })).events;
    expect(Object.keys(shown ?? {})).not.toEqual(expect.arrayContaining(["seq"]));
    expect(shown).not.toHaveProperty("link");
  });

  it("does not verify under another key: the link is keyed, not a plain hash", async () => {
    const { db } = await chainOf(2);
    const other = new AuditStore(db, 90, new ChainKey(randomBytes(32)));
    expect((await other.verify()).ok).toBe(false);
  });

  it("makes a re-delivered event id a no-op: no second link, no fork", async () => {
    const { audit, events, ids } = await chainOf(3);
    const again = event(ids[1] ?? "", new Date());
    expect(await audit.record(again)).toBe(false);
    expect(await Promise.all([audit.record(again), audit.record(again)])).toEqual([false, false]);
    expect(await events.countDocuments()).toBe(3);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 3, head: { seq: 3 } });
  });

  it("links many concurrent appends from two store instances (two bridge processes) into one chain", async () => {
    const { db, audit } = await chainOf(1);
    const second = new AuditStore(db, 90, key);
    const both = Array.from({ length: 60 }, (_, i) => eventId(100 + i));
    const results = await Promise.all(both.map((id, i) => (i % 2 === 0 ? audit : second).record(event(id))));
    expect(results.every(Boolean)).toBe(true);
    // Re-deliveries racing through both instances at once store nothing.
    const redelivered = await Promise.all(
      both.slice(0, 10).map((id, i) => (i % 2 ? audit : second).record(event(id))),
    );
    expect(redelivered.some(Boolean)).toBe(false);
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, checked: 61, head: { seq: 61 } });
    const seqs = (await db.collection("audit_events").find().toArray())
      .map((d) => d.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
  });

  it("heals a head left behind by a writer that died after its insert: the next append links after that event", async () => {
    const { db, audit, events } = await chainOf(3);
    const stale = await db.collection("audit_chain").findOne({ _id: "head" as never });
    const second = new AuditStore(db, 90, key);
    await second.record(event(eventId(4)));
    // Put the head back where it was before event 4, as if its writer had died before moving it.
    await db
      .collection("audit_chain")
      .updateOne({ _id: "head" as never }, { $set: { seq: stale?.seq, link: stale?.link } });
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 4, head: { seq: 3 } });
    // A fresh process (no head known in memory) appends: it meets seq 4, helps the head on, links 5.
    await new AuditStore(db, 90, key).record(event(eventId(5)));
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 5, head: { seq: 5 } });
    expect(await events.countDocuments()).toBe(5);
  });
});

describe("audit chain: tampering in MongoDB is reported with its first sequence and kind", () => {
  it("an edited field: changed, at that event", async () => {
    const { audit, events, ids } = await chainOf(5);
    await events.updateOne({ _id: ids[2] ?? "" }, { $set: { "details.reason": "nonce_invalid" } });
    const report = await audit.verify();
    expect(failureOf(report)).toEqual({ kind: "changed", seq: 3 });
    expect(report.failure?.eventId).toBe(ids[2]);
    expect(report.ok).toBe(false);
  });

  it("an added field, or a date rewritten as the same text: changed", async () => {
    const { audit, events, ids } = await chainOf(4);
    await events.updateOne({ _id: ids[3] ?? "" }, { $set: { note: "harmless?" } });
    expect(failureOf(await audit.verify())).toEqual({ kind: "changed", seq: 4 });
    await events.updateOne({ _id: ids[3] ?? "" }, { $unset: { note: "" } });
    expect((await audit.verify()).ok).toBe(true);
    const doc = await events.findOne({ _id: ids[1] ?? "" });
    await events.updateOne(
      { _id: ids[1] ?? "" },
      { $set: { at: (doc?.at as Date | undefined)?.toISOString() } },
    );
    expect(failureOf(await audit.verify())).toEqual({ kind: "changed", seq: 2 });
  });

  it("a deleted event: removed, at its sequence number", async () => {
    const { audit, events, ids } = await chainOf(5);
    await events.deleteOne({ _id: ids[1] ?? "" });
    expect(failureOf(await audit.verify())).toEqual({ kind: "removed", seq: 2 });
  });

  it("the newest events deleted: removed, where the head says the chain goes on", async () => {
    const { audit, events, ids } = await chainOf(5);
    await events.deleteMany({ _id: { $in: ids.slice(3) } });
    expect(failureOf(await audit.verify())).toEqual({ kind: "removed", seq: 4 });
  });

  it("two events' sequence numbers swapped: reordered, at the first of them", async () => {
    const { audit, events, ids } = await chainOf(5);
    await events.updateOne({ _id: ids[1] ?? "" }, { $set: { seq: -1 } });
    await events.updateOne({ _id: ids[2] ?? "" }, { $set: { seq: 2 } });
    await events.updateOne({ _id: ids[1] ?? "" }, { $set: { seq: 3 } });
    const report = await audit.verify();
    expect(failureOf(report)).toEqual({ kind: "reordered", seq: 2 });
    expect(report.failure?.eventId).toBe(ids[2]);
  });

  it("a sequence number given to two events (the unique index dropped first): reordered", async () => {
    const { audit, events, ids } = await chainOf(4);
    await events.dropIndex("seq_unique");
    await events.updateOne({ _id: ids[2] ?? "" }, { $set: { seq: 2 } });
    expect(failureOf(await audit.verify())).toEqual({ kind: "reordered", seq: 2 });
  });

  it("the chain head's link edited: changed, at the head", async () => {
    const { db, audit } = await chainOf(3);
    await db
      .collection("audit_chain")
      .updateOne({ _id: "head" as never }, { $set: { link: "x".repeat(43) } });
    expect(failureOf(await audit.verify())).toEqual({ kind: "changed", seq: 3 });
  });

  it("a forged event at the tip, and one without a place in the chain: inserted", async () => {
    const { audit, events } = await chainOf(3);
    const tip = await events.find().sort({ seq: -1 }).limit(1).next();
    const forged = {
      _id: eventId(99),
      ...event("x"),
      id: undefined,
      seq: 4,
      prev: tip?.link,
      seal: randomBytes(32).toString("base64url"),
      link: randomBytes(32).toString("base64url"),
    };
    await events.insertOne(forged, { ignoreUndefined: true });
    const report = await audit.verify();
    expect(failureOf(report)).toEqual({ kind: "inserted", seq: 4 });
    expect(report.failure?.eventId).toBe(forged._id);
    await events.deleteOne({ _id: forged._id });
    expect((await audit.verify()).ok).toBe(true);

    // Looks like an event from before the chain, but is dated after the chain started.
    const unlinked = { _id: eventId(98), ...event("x"), id: undefined };
    await events.insertOne(unlinked, { ignoreUndefined: true });
    const second = await audit.verify();
    expect(failureOf(second)).toEqual({ kind: "inserted", seq: null });
    expect(second.failure?.eventId).toBe(unlinked._id);
  });

  it("a genuine event copied into a second document at another sequence number: not accepted", async () => {
    const { audit, events, ids } = await chainOf(3);
    // Same contents and seal under a new id cannot be made without the key: the seal binds the id.
    const copy = await events.findOne({ _id: ids[0] ?? "" });
    await events.insertOne({ ...copy, _id: eventId(50), seq: 4 });
    expect(failureOf(await audit.verify())).toEqual({ kind: "inserted", seq: 4 });
  });
});

describe("audit chain: purge and checkpoints", () => {
  const old = (i: number) => new Date(Date.now() - (i <= 4 ? 100 : 10) * DAY);

  it("purges the expired prefix behind a checkpoint, and the rest still verifies", async () => {
    const { audit, events, ids } = await chainOf(7, old);
    expect(await audit.purgeExpired()).toBe(4);
    expect((await events.find().toArray()).map((d) => d._id)).toEqual(ids.slice(4));
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, checked: 3, checkpoint: { seq: 4 }, head: { seq: 7 } });
    // Appending and purging again move on from the checkpoint.
    await audit.record(event(eventId(8)));
    expect(await audit.purgeExpired()).toBe(0);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 4, checkpoint: { seq: 4 } });
  });

  it("keeps a late event with an old date until everything before it has expired", async () => {
    // Event 3 arrived late (from the outbox after an outage) dated long ago; event 2 is recent.
    const { audit, events, ids } = await chainOf(3, (i) => new Date(Date.now() - (i === 2 ? 10 : 100) * DAY));
    expect(await audit.purgeExpired()).toBe(1);
    expect((await events.find().sort({ seq: 1 }).toArray()).map((d) => d._id)).toEqual(ids.slice(1));
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 2, checkpoint: { seq: 1 } });
  });

  it("purges the whole chain when all of it expired, and verifies the empty rest against the head", async () => {
    const { audit, events } = await chainOf(3, () => old(1));
    expect(await audit.purgeExpired()).toBe(3);
    expect(await events.countDocuments()).toBe(0);
    expect(await audit.verify()).toMatchObject({
      ok: true,
      checked: 0,
      checkpoint: { seq: 3 },
      head: { seq: 3 },
    });
  });

  it("a deleted checkpoint: removed, from the first sequence number", async () => {
    const { db, audit } = await chainOf(6, old);
    await audit.purgeExpired();
    expect((await audit.verify()).ok).toBe(true);
    await db.collection("audit_chain").deleteOne({ _id: "checkpoint" as never });
    expect(failureOf(await audit.verify())).toEqual({ kind: "removed", seq: 1 });
  });

  it("a checkpoint moved forward without the key (to hide deleted events): changed", async () => {
    const { db, audit, events } = await chainOf(7, old);
    await audit.purgeExpired();
    const sixth = await events.findOne({ seq: 6 });
    await events.deleteMany({ seq: { $lte: 6 } });
    await db
      .collection("audit_chain")
      .updateOne({ _id: "checkpoint" as never }, { $set: { seq: 6, link: sixth?.link, at: sixth?.at } });
    expect(failureOf(await audit.verify())).toEqual({ kind: "changed", seq: 6 });
  });

  it("events deleted right after the checkpoint: removed", async () => {
    const { audit, events } = await chainOf(7, old);
    await audit.purgeExpired();
    await events.deleteOne({ seq: 5 });
    expect(failureOf(await audit.verify())).toEqual({ kind: "removed", seq: 5 });
  });

  it("a purge that stopped after its checkpoint verifies, and the next purge finishes it", async () => {
    const { db, audit, events } = await chainOf(6, old);
    const fourth = await events.findOne({ seq: 4 });
    // What the purge writes before its delete, and then no delete.
    await new ChainState(db, key).writeCheckpoint(
      { seq: 4, link: String(fourth?.link), at: fourth?.at as Date },
      new Date(),
    );
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 6, checkpoint: { seq: 4 } });
    // The walk must still arrive at the checkpoint's link: an edit before it shows.
    await events.updateOne({ seq: 2 }, { $set: { outcome: "success" } });
    expect(failureOf(await audit.verify())).toEqual({ kind: "changed", seq: 2 });
    await events.updateOne({ seq: 2 }, { $set: { outcome: "failure" } });
    expect(await audit.purgeExpired()).toBe(4);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 2, checkpoint: { seq: 4 } });
  });

  it("keeps events from before the chain as unlinked and purges them by age", async () => {
    const { audit, events } = await chainOf(0);
    const before = new Date(Date.now() - 1_000);
    await events.insertMany(
      [
        { _id: eventId(1), ...event("x", new Date(Date.now() - 100 * DAY)), id: undefined },
        { _id: eventId(2), ...event("x", new Date(before.getTime() - 5_000)), id: undefined },
      ],
      { ignoreUndefined: true },
    );
    await audit.record(event(eventId(3)));
    expect(await audit.verify()).toMatchObject({ ok: true, unlinked: 2, checked: 1 });
    expect(await audit.purgeExpired()).toBe(1);
    expect(await audit.verify()).toMatchObject({ ok: true, unlinked: 1, checked: 1 });
  });
});
