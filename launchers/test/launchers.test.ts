import { MongoClient, MongoServerError } from "mongodb";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MongoWireHandle, startMongoWire } from "../src/mongo-wire.ts";
import { startRedisServer } from "../src/redis-server.ts";

describe("redis-server launcher", () => {
  it("starts a real redis-server and stops it", async () => {
    const redis = await startRedisServer();
    const client = createClient({ url: redis.url, RESP: 2 });
    await client.connect();
    await client.set("k", "v");
    expect(await client.get("k")).toBe("v");
    await client.quit();
    await redis.stop();
    const again = createClient({ url: redis.url, RESP: 2, socket: { reconnectStrategy: false } });
    again.on("error", () => {});
    await expect(again.connect()).rejects.toThrow();
  });
});

describe("MongoDB-wire server with the mongodb driver 7", () => {
  let mongo: MongoWireHandle;
  let client: MongoClient;
  beforeAll(async () => {
    mongo = await startMongoWire();
    client = await new MongoClient(mongo.uri).connect();
  });
  afterAll(async () => {
    await client.close();
    await mongo.stop();
  });

  it("inserts and finds", async () => {
    const c = client.db("t").collection<{ _id: string; n: number }>("docs");
    await c.insertOne({ _id: "a", n: 1 });
    expect(await c.findOne({ _id: "a" })).toEqual({ _id: "a", n: 1 });
  });

  it("enforces a unique index with code 11000", async () => {
    const c = client.db("t").collection("users");
    await c.createIndex({ address: 1 }, { unique: true });
    await c.insertOne({ address: "T1" });
    const error = await c.insertOne({ address: "T1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
  });

  it("findOneAndUpdate upserts and returns the document after", async () => {
    const c = client.db("t").collection<{ _id: string; count: number }>("counters");
    const first = await c.findOneAndUpdate(
      { _id: "x" },
      { $inc: { count: 1 } },
      { upsert: true, returnDocument: "after" },
    );
    const second = await c.findOneAndUpdate(
      { _id: "x" },
      { $inc: { count: 1 } },
      { returnDocument: "after" },
    );
    expect(first?.count).toBe(1);
    expect(second?.count).toBe(2);
  });

  it("isolates each started server", async () => {
    if (mongo.kind === "external") return expect(mongo.uri).toBeTruthy();
    const other = await startMongoWire();
    const c2 = await new MongoClient(other.uri).connect();
    expect(await c2.db("t").collection("docs").countDocuments()).toBe(0);
    await c2.close();
    await other.stop();
  });
});
