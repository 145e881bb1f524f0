import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { settingsOf } from "../src/platform/config.ts";
import { actorWithRole, baseEnv, call, ctx, login, newWallet } from "./support/edge.ts";

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe("signing key rotation", () => {
  it("keeps old tokens valid while their key is in the set, and refuses them once it is removed", async () => {
    const wallet = await newWallet();
    const underA = await login(wallet, { env: { JWT_SIGNING_KEYS: ctx.jwt.ringA } });

    // Step 1 of a rotation: B is added in front; A stays to verify.
    const overlap = { JWT_SIGNING_KEYS: ctx.jwt.ringBA };
    const jwks = await call<{ keys: { kid: string }[] }>("/.well-known/jwks.json", { env: overlap });
    expect(jwks.body.keys).toHaveLength(2);
    expect((await call("/v1/me", { token: underA.accessToken, env: overlap })).status).toBe(200);
    const underB = await login(wallet, { env: overlap });
    expect(kidOf(underB.accessToken)).toBe(jwks.body.keys[0]?.kid);
    expect(kidOf(underB.accessToken)).not.toBe(kidOf(underA.accessToken));

    // Step 2: A removed. Its tokens fail with 401; B's keep working.
    const after = { JWT_SIGNING_KEYS: ctx.jwt.ringB };
    const old = await call("/v1/me", { token: underA.accessToken, env: after });
    expect([old.status, old.body.code]).toEqual([401, "invalid_token"]);
    expect((await call("/v1/me", { token: underB.accessToken, env: after })).status).toBe(200);
  });

  it("answers 503 (names the setting, never its value) when the key secret is missing or broken", async () => {
    for (const JWT_SIGNING_KEYS of [
      "",
      "{not json",
      '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"short","d":"x","kid":"k"}]}',
    ]) {
      const res = await call("/.well-known/jwks.json", { env: { JWT_SIGNING_KEYS } });
      expect([res.status, res.body.code]).toEqual([503, "service_unavailable"]);
      expect(String(res.body.detail)).toContain("JWT_SIGNING_KEYS");
      if (JWT_SIGNING_KEYS) expect(JSON.stringify(res.body)).not.toContain(JWT_SIGNING_KEYS);
    }
  });
});

describe("hot-path budget", () => {
  const counted = { UPSTASH_REDIS_REST_URL: ctx.countingUpstashUrl };
  const strict = { ...counted, SESSION_CACHE_MS: "0" };
  const cached = { ...counted, SESSION_CACHE_MS: "5000" };

  async function upstashRequests(): Promise<number> {
    const res = await fetch(`${ctx.countingUpstashUrl}/_local/stats`, {
      headers: { authorization: `Bearer ${ctx.upstashToken}` },
    });
    const counts = await res.json<Record<string, number>>();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async function costOf(token: string, env: Record<string, string>): Promise<number> {
    const before = await upstashRequests();
    const res = await call("/v1/me", { token, env });
    expect(res.status).toBe(200);
    return (await upstashRequests()) - before;
  }

  it("spends exactly one Upstash request per authenticated request: rate limit and session check share it", async () => {
    const pair = await login(await newWallet(), { env: counted });
    for (let i = 0; i < 3; i++) expect(await costOf(pair.accessToken, strict)).toBe(1);
  });

  it("spends one (the rate limit) while the isolate's liveness answer is fresh, with leases of one unit", async () => {
    const pair = await login(await newWallet(), { env: counted });
    const unleased = { ...cached, RATE_LIMIT_LEASE: "1" };
    for (let i = 0; i < 3; i++) expect(await costOf(pair.accessToken, unleased)).toBe(1);
  });

  it("spends none on a request refused before the session check", async () => {
    const before = await upstashRequests();
    expect((await call("/v1/me", { token: "a.b.c", env: counted })).status).toBe(401);
    expect(await upstashRequests()).toBe(before);
  });
});

describe("session liveness across isolates", () => {
  /** One command straight to Redis, as another isolate's write lands: our memory is not told. */
  async function redisElsewhere(command: string[]): Promise<unknown> {
    const res = await fetch(ctx.upstashUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${ctx.upstashToken}` },
      body: JSON.stringify(command),
    });
    return ((await res.json()) as { result: unknown }).result;
  }

  /** What another isolate's logout does: the session disappears from Redis, not from our memory. */
  async function revokeElsewhere(sid: string): Promise<void> {
    expect(await redisElsewhere(["DEL", `ta:sess:${sid}`])).toBe(1);
  }

  /** What another isolate's demotion does to the session's roles. */
  async function demoteElsewhere(sid: string): Promise<void> {
    await redisElsewhere(["HSET", `ta:sess:${sid}`, "roles", JSON.stringify(["USER"])]);
  }

  /**
   * Privileged routes must not trust this isolate's memory of a session. With the default
   * SESSION_CACHE_MS: /v1/me makes this isolate remember the session, the change lands elsewhere,
   * and the admin route is called at once. The answer counts only when the whole sequence took
   * less than the cache window, so a cached answer was still there to be (wrongly) used; a run the
   * machine made too slow is repeated with a new session, never passed or failed by the clock.
   */
  async function adminAfterChangeElsewhere(change: (sid: string) => Promise<void>) {
    const windowMs = settingsOf(baseEnv).SESSION_CACHE_MS;
    const admin = await actorWithRole("ADMIN");
    for (let attempt = 0; attempt < 5; attempt++) {
      const pair = attempt === 0 ? admin.pair : await login(admin.wallet);
      const sid = pair.refreshToken.split(".")[0] ?? "";
      const adminRoute = () => call("/v1/admin/users?limit=1", { token: pair.accessToken });
      const started = Date.now();
      expect((await call("/v1/me", { token: pair.accessToken })).status).toBe(200);
      expect((await adminRoute()).status).toBe(200);
      await change(sid);
      const after = await adminRoute();
      if (Date.now() - started < windowMs) return after;
    }
    throw new Error("the session cache window closed before the admin call in every attempt");
  }

  it("refuses a session revoked in another isolate on an admin route at once, while it is cached here", async () => {
    const after = await adminAfterChangeElsewhere(revokeElsewhere);
    expect([after.status, after.body.code]).toEqual([401, "session_revoked"]);
  });

  it("applies a demotion made in another isolate on an admin route at once, while it is cached here", async () => {
    const after = await adminAfterChangeElsewhere(demoteElsewhere);
    // 403 from the demoted roles (or 401 should the session record no longer verify at all).
    expect([401, 403]).toContain(after.status);
  });

  it("refuses at once in strict mode, and within the cache window otherwise (here: a 5 s window, still cached)", async () => {
    const pair = await login(await newWallet());
    const sid = pair.refreshToken.split(".")[0] ?? "";
    const cached = { SESSION_CACHE_MS: "5000" };
    expect((await call("/v1/me", { token: pair.accessToken, env: cached })).status).toBe(200);
    await revokeElsewhere(sid);
    // The documented trade-off: this isolate still remembers the session as live...
    expect((await call("/v1/me", { token: pair.accessToken, env: cached })).status).toBe(200);
    // ...while a strict read (privileged routes, or SESSION_CACHE_MS=0) sees the revocation.
    const strict = await call("/v1/me", { token: pair.accessToken, env: { SESSION_CACHE_MS: "0" } });
    expect([strict.status, strict.body.code]).toEqual([401, "session_revoked"]);
    // And the strict miss also clears the isolate's memory.
    expect((await call("/v1/me", { token: pair.accessToken, env: cached })).status).toBe(401);
  });
});
