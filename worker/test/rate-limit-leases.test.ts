import { describe, expect, it } from "vitest";
import { actorWithRole, call, ctx, login, newWallet, type Reply } from "./support/edge.ts";
import { redisCommand } from "./support/redis.ts";

// One isolate (this test's workerd); stack/test/rate-limit-leases.test.ts runs several against one Redis.

const HOUR = "3600";
const remainingOf = (r: Reply) => Number(r.headers.get("ratelimit-remaining"));

async function upstashRequests(): Promise<number> {
  const res = await fetch(`${ctx.countingUpstashUrl}/_local/stats`, {
    headers: { authorization: `Bearer ${ctx.upstashToken}` },
  });
  const counts = await res.json<Record<string, number>>();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Units charged to a user's window in Redis, over every bucket it has. */
async function charged(tier: string, userId: string): Promise<number> {
  const keys = (await redisCommand<string[]>(["KEYS", `ta:rl:${tier}:u:${userId}:*`])).result ?? [];
  let total = 0;
  for (const key of keys) total += Number((await redisCommand<string>(["GET", key])).result ?? 0);
  return total;
}

/**
 * Runs `attempt` until one run stayed inside one bucket of a `seconds` window (a run that
 * straddled a boundary legitimately sees the next bucket's units); the clock never decides the
 * outcome, it only decides whether a run counts.
 */
async function withinOneBucket<T>(seconds: number, attempt: () => Promise<T>): Promise<T> {
  const bucket = () => Math.floor(Date.now() / (seconds * 1000));
  for (let i = 0; i < 3; i++) {
    const start = bucket();
    const result = await attempt();
    if (bucket() === start) return result;
  }
  throw new Error("every attempt straddled a window boundary");
}

describe("rate-limit leases in one isolate", () => {
  it("serves exactly the limit, RateLimit-Remaining counting down by one, then 429; Redis counts what was served", async () => {
    const env = { RATE_LIMIT_USER: "50", RATE_LIMIT_LEASE: "5", RATE_LIMIT_WINDOW_SECONDS: HOUR };
    const { served, refused, userId } = await withinOneBucket(3600, async () => {
      const pair = await login(await newWallet());
      const served: Reply[] = [];
      for (let i = 0; i < 50; i++) served.push(await call("/v1/me", { token: pair.accessToken, env }));
      const refused = await call("/v1/me", { token: pair.accessToken, env });
      return { served, refused, userId: pair.user.id };
    });
    expect(served.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(served.map(remainingOf)).toEqual(Array.from({ length: 50 }, (_, i) => 49 - i));
    expect(served.every((r) => r.headers.get("ratelimit-limit") === "50")).toBe(true);
    expect([refused.status, refused.body.code]).toEqual([429, "rate_limited"]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(remainingOf(refused)).toBe(0);
    // Ten leases of five: nothing charged that was not served, nothing served that was not charged.
    expect(await charged("user", userId)).toBe(50);
  });

  it("costs one Upstash request per lease, shared with the session read, and none in between", async () => {
    const env = {
      UPSTASH_REDIS_REST_URL: ctx.countingUpstashUrl,
      SESSION_CACHE_MS: "5000",
      RATE_LIMIT_LEASE: "10",
    };
    const costs = await (async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        // Signed in through the same Upstash front, so the client the hot path uses is already made
        // (a new @upstash/redis client sends its first command alone).
        const pair = await login(await newWallet(), { env });
        const started = Date.now();
        const costs: number[] = [];
        for (let i = 0; i < 30; i++) {
          const before = await upstashRequests();
          expect((await call("/v1/me", { token: pair.accessToken, env })).status).toBe(200);
          costs.push((await upstashRequests()) - before);
        }
        // Counts only while the session stayed cached, so every round trip seen is a lease.
        if (Date.now() - started < 5000) return costs;
      }
      throw new Error("the session cache window closed during every attempt");
    })();
    // The first request needs the session and a lease: one pipelined request, not two.
    expect(costs).toEqual([1, ...Array(9).fill(0), 1, ...Array(9).fill(0), 1, ...Array(9).fill(0)]);
  });

  it("requests that arrive while a lease is in flight wait for it instead of charging again", async () => {
    const base = { UPSTASH_REDIS_REST_URL: ctx.countingUpstashUrl, SESSION_CACHE_MS: "5000" };
    const pair = await login(await newWallet());
    // Warm the session cache; a one-unit lease leaves nothing held.
    expect(
      (await call("/v1/me", { token: pair.accessToken, env: { ...base, RATE_LIMIT_LEASE: "1" } })).status,
    ).toBe(200);
    const before = await upstashRequests();
    const env = { ...base, RATE_LIMIT_LEASE: "20" };
    const replies = await Promise.all(
      Array.from({ length: 15 }, () => call("/v1/me", { token: pair.accessToken, env })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(15).fill(200));
    expect((await upstashRequests()) - before).toBe(1);
    // Each request got its own unit: fifteen distinct counts, one apart.
    const remaining = replies.map(remainingOf).sort((a, b) => b - a);
    expect(remaining).toEqual(Array.from({ length: 15 }, (_, i) => (remaining[0] ?? 0) - i));
  });

  it("concurrent requests over a small window: exactly the limit served, the rest refused", async () => {
    const env = { RATE_LIMIT_USER: "20", RATE_LIMIT_LEASE: "2", RATE_LIMIT_WINDOW_SECONDS: HOUR };
    const statuses = await withinOneBucket(3600, async () => {
      const pair = await login(await newWallet());
      const replies = await Promise.all(
        Array.from({ length: 40 }, () => call("/v1/me", { token: pair.accessToken, env })),
      );
      return replies.map((r) => r.status);
    });
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it("privileged routes count every request in Redis; an ordinary route of the same user leases", async () => {
    const env = { RATE_LIMIT_PRIVILEGED: "1000", RATE_LIMIT_LEASE: "10", RATE_LIMIT_WINDOW_SECONDS: HOUR };
    const counts = await withinOneBucket(3600, async () => {
      const admin = await actorWithRole("ADMIN");
      const start = await charged("privileged", admin.pair.user.id);
      const after: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await call("/v1/admin/users?limit=1", { token: admin.pair.accessToken, env });
        expect(res.status).toBe(200);
        after.push((await charged("privileged", admin.pair.user.id)) - start);
      }
      expect((await call("/v1/me", { token: admin.pair.accessToken, env })).status).toBe(200);
      after.push((await charged("privileged", admin.pair.user.id)) - start);
      return after;
    });
    expect(counts).toEqual([1, 2, 3, 13]);
  });

  it("units held from one bucket of the window are not spent in the next: a new lease is charged there", async () => {
    const env = { RATE_LIMIT_USER: "50", RATE_LIMIT_LEASE: "5", RATE_LIMIT_WINDOW_SECONDS: "1" };
    const pair = await login(await newWallet());
    const bucket = () => Math.floor(Date.now() / 1000);
    expect((await call("/v1/me", { token: pair.accessToken, env })).status).toBe(200);
    const first = bucket();
    expect(await charged("user", pair.user.id)).toBe(5);
    while (bucket() === first) await new Promise((r) => setTimeout(r, 50));
    // Four units are still held, but they were counted in the bucket that ended.
    expect((await call("/v1/me", { token: pair.accessToken, env })).status).toBe(200);
    expect(await charged("user", pair.user.id)).toBe(10);
  });

  it("a lease size above a tenth of the limit is cut to a tenth", async () => {
    const env = { RATE_LIMIT_USER: "30", RATE_LIMIT_LEASE: "50", RATE_LIMIT_WINDOW_SECONDS: HOUR };
    const pair = await login(await newWallet());
    const userId = pair.user.id;
    const charges = await withinOneBucket(3600, async () => {
      const start = await charged("user", userId);
      expect((await call("/v1/me", { token: pair.accessToken, env })).status).toBe(200);
      return (await charged("user", userId)) - start;
    });
    expect(charges).toBe(3);
  });
});
