import { randomBytes } from "node:crypto";
import { startRedisServer } from "@tron-auth/infra/redis-server";
import { startUpstashRest } from "@tron-auth/infra/upstash-rest";
import { AUDIT_OUTBOX_FIELD, AUDIT_OUTBOX_GROUP, AUDIT_OUTBOX_STREAM } from "@tron-auth/shared/protocol";
import { Redis } from "@upstash/redis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type OutboxDrain, startOutboxDrain } from "../src/audit/outbox-drain.ts";
import { AuditStore } from "../src/audit/store.ts";
import { connectDatabase, type Database } from "../src/db/mongo.ts";

let stopAll: () => Promise<void>;
let redis: Redis;
let database: Database;
let audit: AuditStore;

beforeAll(async () => {
  const server = await startRedisServer();
  const rest = await startUpstashRest({ redisUrl: server.url, token: "outbox-test-token" });
  redis = new Redis({
    url: rest.url,
    token: rest.token,
    automaticDeserialization: false,
    enableAutoPipelining: false,
  });
  database = await connectDatabase(inject("mongoUri"), `outbox_${randomBytes(6).toString("hex")}`);
  audit = new AuditStore(database.db, 90);
  await audit.ensureIndexes();
  stopAll = async () => {
    await database.close();
    await rest.stop();
    await server.stop();
  };
});
afterAll(() => stopAll());

let seq = 0;
function event(userId: string) {
  return {
    id: `evt_outbox_${++seq}_${randomBytes(4).toString("hex")}`,
    at: new Date().toISOString(),
    type: "logout",
    outcome: "success" as const,
    actor: { id: userId },
  };
}
const produce = (e: unknown) =>
  redis.xadd(AUDIT_OUTBOX_STREAM, "*", {
    [AUDIT_OUTBOX_FIELD]: typeof e === "string" ? e : JSON.stringify(e),
  });
const stored = async (userId: string) =>
  (await audit.query({ userId, limit: 1_000 })).events.map((e) => e.id);
const drainer = (consumer = "test-consumer"): OutboxDrain =>
  startOutboxDrain({ redis, audit, consumer, intervalMs: 60_000, log: pino({ level: "silent" }) });

describe("audit outbox drain", () => {
  it("stores every produced event once and acknowledges it", async () => {
    const drain = drainer();
    try {
      const events = Array.from({ length: 250 }, () => event("usr_outbox_all"));
      for (const e of events) await produce(e);
      await drain.drainOnce();
      expect((await stored("usr_outbox_all")).sort()).toEqual(events.map((e) => e.id).sort());
      expect(await drain.drainOnce()).toBe(0);
      expect(drain.state().lag).toBe(0);
    } finally {
      await drain.stop();
    }
  });

  it("after a crash between write and ack, re-reads its pending entries and stores nothing twice", async () => {
    const first = drainer("crashy");
    await first.stop();
    const events = Array.from({ length: 5 }, () => event("usr_outbox_crash"));
    for (const e of events) await produce(e);
    // What the crashed process did: read (now pending for it) and wrote two of them, no ack.
    await redis.xreadgroup(AUDIT_OUTBOX_GROUP, "crashy", AUDIT_OUTBOX_STREAM, ">", { count: 100 });
    await audit.record(events[0] ?? event("x"));
    await audit.record(events[1] ?? event("x"));
    const restarted = drainer("crashy");
    try {
      await restarted.drainOnce();
      const ids = await stored("usr_outbox_crash");
      expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
      expect(restarted.state().duplicates).toBeGreaterThanOrEqual(2);
      expect(restarted.state().lag).toBe(0);
    } finally {
      await restarted.stop();
    }
  });

  it("acknowledges and counts a malformed entry instead of retrying it forever", async () => {
    await produce("{not json");
    await produce({ id: "x", type: "BAD" });
    const drain = drainer();
    try {
      await drain.drainOnce();
      expect(drain.state().malformed).toBe(2);
      expect(await drain.drainOnce()).toBe(0);
    } finally {
      await drain.stop();
    }
  });

  it("reports lag for events not yet drained, and an error when Redis refuses", async () => {
    const drain = drainer();
    await drain.drainOnce();
    for (let i = 0; i < 3; i++) await produce(event("usr_outbox_lag"));
    await drain.stop();
    const peek = (await redis.xinfo(AUDIT_OUTBOX_STREAM, { type: "GROUPS" })) as unknown[][];
    const group = peek.find((g) => g.includes(AUDIT_OUTBOX_GROUP)) ?? [];
    expect(Number(group[group.indexOf("lag") + 1])).toBe(3);
    const wrong = new Redis({
      url: "http://127.0.0.1:9",
      token: "x",
      automaticDeserialization: false,
      retry: false,
    });
    const broken = startOutboxDrain({
      redis: wrong,
      audit,
      consumer: "c",
      intervalMs: 60_000,
      log: pino({ level: "silent" }),
    });
    await broken.drainOnce();
    expect(broken.state().lastError).toBeTruthy();
    await broken.stop();
  });
});
