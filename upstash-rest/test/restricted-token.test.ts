import { type RedisServerHandle, startRedisServer } from "@tron-auth/launchers/redis-server";
import { AUDIT_OUTBOX_GROUP, AUDIT_OUTBOX_STREAM, LOCKDOWN_KEY } from "@tron-auth/shared/protocol";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRIDGE_POLICY, startUpstashRest, type UpstashRestHandle } from "../src/server.ts";

const TOKEN = "full-token-0123456789abcdef";
const BRIDGE_TOKEN = "bridge-token-0123456789abcdef";
let redisServer: RedisServerHandle;
let rest: UpstashRestHandle;
let full: Redis;
let bridge: Redis;

beforeAll(async () => {
  redisServer = await startRedisServer();
  rest = await startUpstashRest({
    redisUrl: redisServer.url,
    token: TOKEN,
    restricted: { token: BRIDGE_TOKEN, policy: BRIDGE_POLICY },
  });
  full = new Redis({ url: rest.url, token: TOKEN, retry: false });
  // As the bridge builds its client (bridge/src/runtime/start.ts).
  bridge = new Redis({
    url: rest.url,
    token: BRIDGE_TOKEN,
    retry: false,
    automaticDeserialization: false,
    enableAutoPipelining: false,
  });
});
afterAll(async () => {
  await rest.stop();
  await redisServer.stop();
});

const raw = (path: string, body: unknown, token = BRIDGE_TOKEN) =>
  fetch(`${rest.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

describe("the bridge's restricted token", () => {
  it("does everything the outbox drain and the signing freeze need, with @upstash/redis", async () => {
    await bridge.xgroup(AUDIT_OUTBOX_STREAM, {
      type: "CREATE",
      group: AUDIT_OUTBOX_GROUP,
      id: "0",
      options: { MKSTREAM: true },
    });
    const id = await full.xadd(AUDIT_OUTBOX_STREAM, "*", { jws: "a.b.c" });
    const read = (await bridge.xreadgroup(AUDIT_OUTBOX_GROUP, "c1", AUDIT_OUTBOX_STREAM, ">", {
      count: 10,
    })) as [string, [string, string[]][]][];
    expect(read[0]?.[1].map(([entryId]) => entryId)).toEqual([id]);
    expect(await bridge.xpending(AUDIT_OUTBOX_STREAM, AUDIT_OUTBOX_GROUP, "-", "+", 10)).toHaveLength(1);
    await bridge.xclaim(AUDIT_OUTBOX_STREAM, AUDIT_OUTBOX_GROUP, "c2", 0, id);
    await bridge.xautoclaim(AUDIT_OUTBOX_STREAM, AUDIT_OUTBOX_GROUP, "c1", 0, "0-0");
    expect(await bridge.xack(AUDIT_OUTBOX_STREAM, AUDIT_OUTBOX_GROUP, id)).toBe(1);
    const groups = (await bridge.xinfo(AUDIT_OUTBOX_STREAM, { type: "GROUPS" })) as unknown[][];
    expect(groups[0]).toContain(AUDIT_OUTBOX_GROUP);

    await full.hset(LOCKDOWN_KEY, { signing: "1", by: "usr_x" });
    expect(await bridge.hget(LOCKDOWN_KEY, "signing")).toBe("1");
    // Raw reply (the bridge turns automatic deserialisation off): field, value, ...
    expect((await bridge.hgetall(LOCKDOWN_KEY)) as unknown).toEqual(expect.arrayContaining(["signing", "1"]));
  });

  it.each([
    ["SET", ["SET", "ta:sess:x", "v"]],
    ["HSET on a session", ["HSET", "ta:sess:x", "roles", '["SUPER_ADMIN"]']],
    ["HSET on the lockdown hash it may read", ["HSET", LOCKDOWN_KEY, "signing", "0"]],
    ["HDEL on the lockdown hash", ["HDEL", LOCKDOWN_KEY, "signing"]],
    ["DEL", ["DEL", LOCKDOWN_KEY]],
    ["XADD to the outbox", ["XADD", AUDIT_OUTBOX_STREAM, "*", "jws", "forged"]],
    ["XDEL on the outbox", ["XDEL", AUDIT_OUTBOX_STREAM, "0-1"]],
    ["XTRIM on the outbox", ["XTRIM", AUDIT_OUTBOX_STREAM, "MAXLEN", "0"]],
    ["XGROUP DESTROY", ["XGROUP", "DESTROY", AUDIT_OUTBOX_STREAM, AUDIT_OUTBOX_GROUP]],
    ["XGROUP SETID", ["XGROUP", "SETID", AUDIT_OUTBOX_STREAM, AUDIT_OUTBOX_GROUP, "$"]],
    ["XRANGE (reading the stream outside the group)", ["XRANGE", AUDIT_OUTBOX_STREAM, "-", "+"]],
    ["EVAL", ["EVAL", "return redis.call('SET', 'ta:sess:x', 'v')", "0"]],
    ["EVALSHA", ["EVALSHA", "0123456789012345678901234567890123456789", "0"]],
    ["EVAL_RO", ["EVAL_RO", "return 1", "0"]],
    ["SCRIPT LOAD", ["SCRIPT", "LOAD", "return 1"]],
    ["FCALL", ["FCALL", "f", "0"]],
    ["GET", ["GET", "ta:sess:x"]],
    ["HGET on another key", ["HGET", "ta:sess:x", "uid"]],
    ["HGETALL on another key", ["HGETALL", "ta:sess:x"]],
    ["XREADGROUP on another stream", ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "other", ">"]],
    [
      "XREADGROUP naming the outbox and another stream",
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", AUDIT_OUTBOX_STREAM, "other", ">", ">"],
    ],
    ["XACK on another stream", ["XACK", "other", "g", "0-1"]],
    ["KEYS", ["KEYS", "*"]],
    ["FLUSHALL", ["FLUSHALL"]],
    ["PING", ["PING"]],
  ])("refuses %s with 403 and a NOPERM error", async (_name, command) => {
    const res = await raw("/", command);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/^NOPERM /);
  });

  it("refuses with the real client, which surfaces the error", async () => {
    await expect(bridge.set("ta:sess:y", "v")).rejects.toThrow(/NOPERM/);
    await expect(bridge.eval("return 1", [], [])).rejects.toThrow(/NOPERM/);
    await expect(bridge.xadd(AUDIT_OUTBOX_STREAM, "*", { jws: "forged" })).rejects.toThrow(/NOPERM/);
    await expect(bridge.hset("ta:sess:y", { roles: "x" })).rejects.toThrow(/NOPERM/);
    expect(await full.get("ta:sess:y")).toBeNull();
  });

  it("refuses a whole pipeline or transaction that holds one forbidden command: nothing runs", async () => {
    for (const path of ["/pipeline", "/multi-exec"]) {
      const res = await raw(path, [
        ["HGET", LOCKDOWN_KEY, "signing"],
        ["SET", "ta:pipelined", path],
      ]);
      expect(res.status).toBe(403);
    }
    expect(await full.get("ta:pipelined")).toBeNull();
    const allowed = await raw("/pipeline", [["HGET", LOCKDOWN_KEY, "signing"]]);
    expect(await allowed.json()).toEqual([{ result: "1" }]);
  });

  it("does not open the local statistics; the full token still can do everything", async () => {
    const stats = await fetch(`${rest.url}/_local/stats`, {
      headers: { authorization: `Bearer ${BRIDGE_TOKEN}` },
    });
    expect(stats.status).toBe(403);
    expect(await full.set("ta:full", "1")).toBe("OK");
    expect(await full.eval("return 1", [], [])).toBe(1);
  });

  it("refuses to start with the same token twice", async () => {
    await expect(
      startUpstashRest({
        redisUrl: redisServer.url,
        token: TOKEN,
        restricted: { token: TOKEN, policy: BRIDGE_POLICY },
      }),
    ).rejects.toThrow(/must differ/);
  });
});
