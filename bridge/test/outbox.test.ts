import { randomBytes } from "node:crypto";
import { startRedisServer } from "@tron-auth/launchers/redis-server";
import { AUDIT_OUTBOX_FIELD, AUDIT_OUTBOX_GROUP, AUDIT_OUTBOX_STREAM } from "@tron-auth/shared/protocol";
import { startUpstashRest } from "@tron-auth/upstash-rest";
import { Redis } from "@upstash/redis";
import { UnsecuredJWT } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ChainKey } from "../src/audit/chain-key.ts";
import { type OutboxDrain, startOutboxDrain } from "../src/audit/outbox-drain.ts";
import { createOutboxVerifier } from "../src/audit/outbox-verify.ts";
import { AuditStore } from "../src/audit/store.ts";
import { connectDatabase, type Database } from "../src/db/mongo.ts";
import {
  AUDIENCE,
  type EventOverrides,
  ISSUER,
  jwksOf,
  makeSigningKey,
  type SigningKey,
  signAssertion,
  signOutboxEvent,
} from "./support/assertions.ts";

let stopAll: () => Promise<void>;
let redis: Redis;
let database: Database;
let audit: AuditStore;
let worker: SigningKey;

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
  audit = new AuditStore(database.db, 90, new ChainKey(randomBytes(32)));
  await audit.ensureIndexes();
  worker = await makeSigningKey();
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
/** What the worker appends: the event signed with its key. */
const produce = async (e: ReturnType<typeof event>, o: EventOverrides = {}, key = worker) =>
  append(await signOutboxEvent(key, e, o));
/** What anyone holding the Upstash token can append: any field, any value. */
const append = (value: string, field = AUDIT_OUTBOX_FIELD) =>
  redis.xadd(AUDIT_OUTBOX_STREAM, "*", { [field]: value });
const stored = async (userId: string) =>
  (await audit.query({ userId, limit: 1_000 })).events.map((e) => e.id);
const drainer = (consumer = "test-consumer"): OutboxDrain =>
  startOutboxDrain({
    redis,
    audit,
    verify: createOutboxVerifier({ jwks: jwksOf(worker), issuer: ISSUER, audience: AUDIENCE }),
    consumer,
    intervalMs: 60_000,
    log: pino({ level: "silent" }),
  });

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

  it("stores a replayed genuine entry once", async () => {
    const e = event("usr_outbox_replay");
    const jws = await signOutboxEvent(worker, e);
    await append(jws);
    await append(jws);
    const drain = drainer();
    try {
      await drain.drainOnce();
      expect(await stored("usr_outbox_replay")).toEqual([e.id]);
      expect(drain.state().duplicates).toBeGreaterThanOrEqual(1);
    } finally {
      await drain.stop();
    }
  });

  it("quarantines entries the worker did not sign as outbox_forgery, never storing the claimed event", async () => {
    const victim = "usr_outbox_forged";
    const foreign = await makeSigningKey();
    const claimed = () => event(victim);
    await append(JSON.stringify(claimed()), "event"); // the old, unsigned format
    await produce(claimed(), {}, foreign);
    await produce(claimed(), { typ: "bridge+jwt" });
    await produce(claimed(), { aud: "tron-auth-api" });
    await produce(claimed(), { iss: "someone-else" });
    await produce(claimed(), { jti: "evt_another_id_0000" });
    await append(new UnsecuredJWT({ evt: claimed() }).setIssuer(ISSUER).setAudience(AUDIENCE).encode());
    await append(JSON.stringify(claimed()));
    // An internal assertion signed by the worker's own key is not an event either.
    await append(await signAssertion(worker, { sub: victim }));
    const drain = drainer();
    try {
      await drain.drainOnce();
      expect(drain.state().forged).toBe(9);
      expect(drain.state().stored).toBe(0);
      expect(await stored(victim)).toEqual([]);
      const quarantined = (await audit.query({ type: "outbox_forgery", limit: 100 })).events;
      expect(quarantined).toHaveLength(9);
      expect(quarantined.map((e) => e.details.reason).sort()).toEqual([
        "bad_signature",
        "bad_signature",
        "bad_signature",
        "bad_signature",
        "bad_signature",
        "bad_signature",
        "bad_signature",
        "malformed",
        "unsigned",
      ]);
      for (const e of quarantined) expect(e).toMatchObject({ outcome: "denied", type: "outbox_forgery" });
      // Acknowledged: nothing left to retry, and a second drain adds nothing.
      expect(await drain.drainOnce()).toBe(0);
      expect((await audit.query({ type: "outbox_forgery", limit: 100 })).events).toHaveLength(9);
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
      verify: createOutboxVerifier({ jwks: jwksOf(worker), issuer: ISSUER, audience: AUDIENCE }),
      consumer: "c",
      intervalMs: 60_000,
      log: pino({ level: "silent" }),
    });
    await broken.drainOnce();
    expect(broken.state().lastError).toBeTruthy();
    await broken.stop();
  });
});
