import { MongoClient } from "mongodb";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { startMongoWire } from "../src/mongo-wire.ts";
import { startRedisServer } from "../src/redis-server.ts";

describe("killing and restarting the launched servers (fault injection)", () => {
  it("a durable redis-server killed with SIGKILL comes back on its port with every acknowledged write", async () => {
    const redis = await startRedisServer({ durable: true });
    const client = createClient({ url: redis.url, RESP: 2 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.set("kept", "yes");
      await client.set("deleted", "soon");
      await client.del("deleted");
      await redis.kill();
      await expect(client.get("kept")).rejects.toThrow();
      await redis.restart();
      // The client reconnects by itself to the same port.
      await expect.poll(() => client.get("kept").catch(() => "unanswered"), { timeout: 10_000 }).toBe("yes");
      // A delete acknowledged before the kill stays deleted: nothing comes back.
      expect(await client.get("deleted")).toBeNull();
    } finally {
      await client.quit().catch(() => undefined);
      await redis.stop();
    }
  });

  it("a redis-server that is not durable loses its data on a kill (what the chaos suite avoids)", async () => {
    const redis = await startRedisServer();
    const client = createClient({ url: redis.url, RESP: 2 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.set("k", "v");
      await redis.kill();
      await redis.restart();
      await expect.poll(() => client.get("k").catch(() => "unanswered"), { timeout: 10_000 }).toBeNull();
    } finally {
      await client.quit().catch(() => undefined);
      await redis.stop();
    }
  });

  it("FerretDB killed with SIGKILL comes back on the same URI with its documents", async () => {
    const mongo = await startMongoWire();
    if (mongo.kind === "external") {
      await expect(mongo.kill()).rejects.toThrow(/did not start/);
      return;
    }
    const client = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      const docs = client.db("t").collection<{ _id: string }>("docs");
      await docs.insertOne({ _id: "before" });
      await mongo.kill();
      await expect(docs.insertOne({ _id: "during" })).rejects.toThrow();
      await mongo.restart();
      await docs.insertOne({ _id: "after" });
      expect((await docs.find().toArray()).map((d) => d._id).sort()).toEqual(["after", "before"]);
    } finally {
      await client.close();
      await mongo.stop();
    }
  });
});
