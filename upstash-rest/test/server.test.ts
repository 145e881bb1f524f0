import { type RedisServerHandle, startRedisServer } from "@tron-auth/launchers/redis-server";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashRest, type UpstashRestHandle } from "../src/server.ts";

let redisServer: RedisServerHandle;
let rest: UpstashRestHandle;
let redis: Redis;
let plain: Redis;
const TOKEN = "test-token-0123456789abcdef";

beforeAll(async () => {
  redisServer = await startRedisServer();
  rest = await startUpstashRest({ redisUrl: redisServer.url, token: TOKEN });
  redis = new Redis({ url: rest.url, token: TOKEN, retry: false });
  plain = new Redis({ url: rest.url, token: TOKEN, retry: false, responseEncoding: false });
});
afterAll(async () => {
  await rest.stop();
  await redisServer.stop();
});

const raw = (path: string, body: string, token = TOKEN) =>
  fetch(`${rest.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });

describe("Upstash REST conformance with @upstash/redis", () => {
  it("strings, counters, expiry, unicode, nil", async () => {
    for (const client of [redis, plain]) {
      await client.set("s", "héllo ✓");
      expect(await client.get("s")).toBe("héllo ✓");
      expect(await client.incr("n")).toBeGreaterThan(0);
      await client.set("e", "v", { ex: 100 });
      expect(await client.ttl("e")).toBeGreaterThan(90);
      expect(await client.get("missing")).toBeNull();
      expect(await client.getdel("s")).toBe("héllo ✓");
    }
  });

  it("hashes and sorted sets", async () => {
    await redis.hset("h", { a: "1", b: "two" });
    expect(await redis.hgetall("h")).toEqual({ a: 1, b: "two" });
    await redis.zadd("z", { score: 2, member: "b" }, { score: 1, member: "a" });
    expect(await redis.zrange("z", 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2]);
  });

  it("EVAL, EVALSHA with NOSCRIPT fallback, SCRIPT LOAD/EXISTS through the shebang rewrite", async () => {
    const text = "#!lua flags=allow-key-locking\nreturn ARGV[1] .. KEYS[1]";
    expect(await redis.eval(text, ["k"], ["v"])).toBe("vk");
    const script = redis.createScript<string>("#!lua flags=allow-key-locking\nreturn 'fresh'");
    expect(await script.exec([], [])).toBe("fresh");
    const sha = await redis.scriptLoad(text);
    expect(await redis.scriptExists(sha)).toEqual([1]);
    expect(await redis.evalsha(sha, ["x"], ["y"])).toBe("yx");
  });

  it("pipelines, and auto-pipelining batches same-tick commands onto /pipeline", async () => {
    const p = redis.pipeline();
    p.set("p1", "a").get("p1").incr("p2");
    expect(await p.exec()).toEqual(["OK", "a", 1]);
    const auto = new Redis({ url: rest.url, token: TOKEN, enableAutoPipelining: true });
    const before = { pipeline: rest.stats.get("/pipeline") ?? 0, single: rest.stats.get("/") ?? 0 };
    const results = await Promise.all([auto.set("ap", "1"), auto.get("ap"), auto.incr("apn")]);
    expect(results).toEqual(["OK", 1, 1]);
    // Observed with @upstash/redis 1.39: the first command of a tick flushes alone, the rest batch.
    expect((rest.stats.get("/pipeline") ?? 0) - before.pipeline).toBe(2);
    expect(rest.stats.get("/") ?? 0).toBe(before.single);
  });

  it("reports request counts by path at /_local/stats, to the token holder only, without counting itself", async () => {
    const stats = () => fetch(`${rest.url}/_local/stats`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const total = async () => {
      const counts = (await (await stats()).json()) as Record<string, number>;
      expect(counts["/_local/stats"]).toBeUndefined();
      return Object.values(counts).reduce((a, b) => a + b, 0);
    };
    const before = await total();
    await redis.get("counted");
    expect((await total()) - before).toBe(1);
    expect((await fetch(`${rest.url}/_local/stats`)).status).toBe(401);
  });

  it("multi-exec runs as a transaction", async () => {
    const tx = redis.multi();
    tx.set("t", "1").incr("t");
    expect(await tx.exec()).toEqual(["OK", 2]);
  });

  it("returns Redis errors: 400 for a single command, per item in a pipeline", async () => {
    await redis.set("str", "x");
    await expect(redis.hget("str", "f")).rejects.toThrow(/WRONGTYPE/);
    const res = await raw(
      "/pipeline",
      JSON.stringify([
        ["SET", "a", "1"],
        ["HGET", "str", "f"],
      ]),
    );
    expect(res.status).toBe(200);
    const items = (await res.json()) as { result?: unknown; error?: string }[];
    expect(items[0]).toEqual({ result: "OK" });
    expect(items[1]?.error).toMatch(/WRONGTYPE/);
  });
});

describe("Upstash REST refusals", () => {
  it("401 without the right token", async () => {
    expect((await raw("/", '["PING"]', "wrong")).status).toBe(401);
    const res = await fetch(`${rest.url}/`, { method: "POST", body: '["PING"]' });
    expect(res.status).toBe(401);
  });

  it.each([
    ["not JSON", "{"],
    ["an object", "{}"],
    ["an empty command", "[]"],
    ["a nested object", '[{"a":1}]'],
    ["too large", JSON.stringify(["SET", "k", "x".repeat(1_100_000)])],
  ])("400 for %s, with an error message", async (_n, body) => {
    const res = await raw("/", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^ERR /);
  });

  it("400 for an empty pipeline and refused commands; 404 for unknown paths", async () => {
    expect((await raw("/pipeline", "[[]]")).status).toBe(400);
    expect((await raw("/pipeline", "[]")).status).toBe(400);
    const refused = await raw("/", '["CONFIG","SET","save",""]');
    expect(refused.status).toBe(400);
    expect((await raw("/", '["SHUTDOWN"]')).status).toBe(400);
    expect((await raw("/nope", '["PING"]')).status).toBe(404);
    expect(await redis.ping()).toBe("PONG");
  });
});

describe("@upstash/ratelimit against the local server", () => {
  const algorithms = [
    ["sliding window", Ratelimit.slidingWindow(5, "10 s")],
    ["fixed window", Ratelimit.fixedWindow(5, "10 s")],
    ["token bucket", Ratelimit.tokenBucket(5, "10 s", 5)],
  ] as const;

  it.each(algorithms)("%s allows exactly 5, then blocks, with remaining and reset", async (name, limiter) => {
    const rl = new Ratelimit({
      redis,
      limiter,
      prefix: `rl-${name}`,
      ephemeralCache: false,
      analytics: false,
    });
    const now = Date.now();
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await rl.limit("id");
      expect(r.success).toBe(true);
      remaining.push(r.remaining);
      expect(r.reset).toBeGreaterThan(now);
      expect(r.reset).toBeLessThanOrEqual(now + 11_000);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const blocked = await rl.limit("id");
    expect(blocked.success).toBe(false);
    expect(blocked.remaining).toBe(0);
  });
});

describe("fault injection (tests only)", () => {
  it("is absent unless asked for", async () => {
    expect((await raw("/_local/faults", '{"match":["SET"]}')).status).toBe(404);
  });

  it("fails the next matching commands, or holds them until released", async () => {
    const faulty = await startUpstashRest({ redisUrl: redisServer.url, token: TOKEN, faults: true });
    try {
      const client = new Redis({ url: faulty.url, token: TOKEN, retry: false });
      const arm = (rule: unknown) =>
        fetch(`${faulty.url}/_local/faults`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(rule),
        });
      expect((await arm({ match: ["SET", "fault:a"], times: 1 })).status).toBe(200);
      await expect(client.set("fault:a", "1")).rejects.toThrow(/injected fault/);
      expect(await client.set("fault:a", "2")).toBe("OK");
      expect(await client.set("fault:b", "1")).toBe("OK");

      expect((await arm({ match: ["GET", "fault:a"], mode: "hold" })).status).toBe(200);
      let done = false;
      const held = client.get("fault:a").then((v) => {
        done = true;
        return v;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(done).toBe(false);
      const release = await fetch(`${faulty.url}/_local/faults/release`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(await release.json()).toEqual({ armed: 0, held: 0 });
      expect(await held).toBe(2);
      expect((await arm({ match: [] })).status).toBe(400);
    } finally {
      await faulty.stop();
    }
  });
});
