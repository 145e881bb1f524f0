import { describe, expect, it } from "vitest";
import {
  actorWithRole,
  call,
  challenge,
  ctx,
  login,
  newWallet,
  type Reply,
  sign,
  superAdmin,
} from "./support/edge.ts";

let ipSeq = 0;
/** A client IP of its own per test: windows are keyed by IP and never shared between tests. */
const freshIp = () => `198.51.100.${++ipSeq}-${crypto.randomUUID().slice(0, 8)}`.slice(0, 40);
const headersOf = (r: Reply) => [r.headers.get("ratelimit-limit"), r.headers.get("ratelimit-remaining")];

describe("tiered rate limits (sliding window)", () => {
  it("public routes: exactly N per IP, then 429 with Retry-After; every response carries RateLimit-*", async () => {
    const ip = freshIp();
    const o = { headers: { "cf-connecting-ip": ip }, env: { RATE_LIMIT_PUBLIC: "3" } };
    const seen: (string | null)[][] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call("/.well-known/jwks.json", o);
      expect(res.status).toBe(200);
      seen.push(headersOf(res));
      expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    }
    expect(seen).toEqual([
      ["3", "2"],
      ["3", "1"],
      ["3", "0"],
    ]);
    const blocked = await call("/.well-known/jwks.json", o);
    expect([blocked.status, blocked.body.code]).toEqual([429, "rate_limited"]);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(headersOf(blocked)).toEqual(["3", "0"]);
    // Another IP is not affected.
    expect(
      (await call("/.well-known/jwks.json", { ...o, headers: { "cf-connecting-ip": freshIp() } })).status,
    ).toBe(200);
  });

  it("frees units again as the window slides (1 s window here)", async () => {
    const o = {
      headers: { "cf-connecting-ip": freshIp() },
      env: { RATE_LIMIT_PUBLIC: "2", RATE_LIMIT_WINDOW_SECONDS: "1" },
    };
    const jwks = () => call("/.well-known/jwks.json", o).then((r) => r.status);
    expect([await jwks(), await jwks(), await jwks()]).toEqual([200, 200, 429]);
    // Two full windows later the previous window no longer weighs in.
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await jwks()).toBe(200);
  });

  it("USER and NODE_OPERATOR: by user; ADMIN and SUPER_ADMIN: the privileged tier", async () => {
    const env = { RATE_LIMIT_USER: "2", RATE_LIMIT_PRIVILEGED: "4" };
    const user = await actorWithRole("NODE_OPERATOR");
    const admin = await actorWithRole("ADMIN");
    const statuses = async (token: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++)
        out.push((await call("/v1/me", { token, env, headers: { "cf-connecting-ip": freshIp() } })).status);
      return out;
    };
    expect(await statuses(user.pair.accessToken, 3)).toEqual([200, 200, 429]);
    expect(await statuses(admin.pair.accessToken, 5)).toEqual([200, 200, 200, 200, 429]);
    const again = await call("/v1/me", { token: user.pair.accessToken, env });
    expect(again.headers.get("retry-after")).toBeTruthy();
    expect(headersOf(again)).toEqual(["2", "0"]);
  });

  it("challenge: per IP and per address", async () => {
    const env = { RATE_LIMIT_CHALLENGE: "2" };
    const wallet = await newWallet();
    const ip = freshIp();
    const ask = (address: string, clientIp: string) =>
      call("/v1/auth/challenge", { body: { address }, env, headers: { "cf-connecting-ip": clientIp } });
    expect((await ask(wallet.address, ip)).status).toBe(200);
    expect((await ask(wallet.address, freshIp())).status).toBe(200);
    expect((await ask(wallet.address, freshIp())).status).toBe(429); // the address's window is full
    const other = await newWallet();
    expect((await ask(other.address, ip)).status).toBe(200);
    expect((await ask((await newWallet()).address, ip)).status).toBe(429); // the IP's window is full
  });

  it("login: per IP", async () => {
    const env = { RATE_LIMIT_LOGIN: "2" };
    const ip = freshIp();
    const results: number[] = [];
    for (let i = 0; i < 3; i++) {
      const wallet = await newWallet();
      const { message } = await challenge(wallet.address);
      const res = await call("/v1/auth/login", {
        body: { message, signature: await sign(message, wallet) },
        env,
        headers: { "cf-connecting-ip": ip },
      });
      results.push(res.status);
    }
    expect(results).toEqual([200, 200, 429]);
  });
});

describe("address lockout", () => {
  it("locks an address after 5 failures in the window (423 + Retry-After, audited) and releases it after", async () => {
    const env = { LOCKOUT_SECONDS: "2" };
    const wallet = await newWallet();
    const attacker = await newWallet();
    for (let i = 0; i < 5; i++) {
      const { message } = await challenge(wallet.address);
      const res = await call("/v1/auth/login", {
        body: { message, signature: await sign(message, attacker) },
        env,
      });
      expect(res.status).toBe(401);
    }
    const { message } = await challenge(wallet.address);
    const body = { message, signature: await sign(message, wallet) };
    const locked = await call("/v1/auth/login", { body, env });
    expect([locked.status, locked.body.code]).toEqual([423, "account_locked"]);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(2);

    await new Promise((r) => setTimeout(r, 2_200));
    expect((await call("/v1/auth/login", { body, env })).status).toBe(200);
    const sa = await superAdmin();
    await expect
      .poll(
        async () => {
          const res = await call<{ events: { actor: { address?: string } }[] }>(
            "/v1/admin/audit?type=account_lockout&limit=200",
            { token: sa.accessToken },
          );
          return res.body.events.filter((e) => e.actor.address === wallet.address).length;
        },
        { timeout: 10_000 },
      )
      .toBe(1);
  });

  it("does not count successes: failures below the threshold are cleared by a good sign-in", async () => {
    const wallet = await newWallet();
    const attacker = await newWallet();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) {
        const { message } = await challenge(wallet.address);
        await call("/v1/auth/login", { body: { message, signature: await sign(message, attacker) } });
      }
      await login(wallet);
    }
    expect((await login(wallet)).user.address).toBe(wallet.address);
    expect(ctx.siwt.domain).toBeTruthy();
  });
});

describe("when Redis does not answer", () => {
  const down = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };

  it("serves static public routes without a limit, and fails closed (503) wherever Redis is needed", async () => {
    const jwks = await call("/.well-known/jwks.json", { env: down });
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get("ratelimit-limit")).toBeNull();
    const pair = await login(await newWallet());
    for (const [path, o] of [
      ["/v1/me", { token: pair.accessToken }],
      ["/v1/admin/users", { token: pair.accessToken }],
      ["/v1/auth/challenge", { body: { address: pair.user.address } }],
      ["/v1/auth/refresh", { body: { refreshToken: pair.refreshToken } }],
    ] as const) {
      const res = await call(path, { ...o, env: down });
      expect([path, res.status, res.body.code]).toEqual([path, 503, "service_unavailable"]);
      expect(res.headers.get("retry-after")).toBe("5");
    }
    const health = await call("/health", { env: down });
    expect(health.status).toBe(503);
  });
});
