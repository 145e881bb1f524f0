import { describe, expect, it } from "vitest";
import {
  actorWithRole,
  type CallOptions,
  call,
  challenge,
  ctx,
  existingWallet,
  login,
  newWallet,
  type Reply,
  sign,
  superAdmin,
  type Wallet,
} from "./support/edge.ts";

const hex16 = () => (crypto.getRandomValues(new Uint16Array(1))[0] ?? 0).toString(16);
/** A random IPv6 /64 of the documentation range (2001:db8::/32): a client of its own per test. */
const freshPrefix = () => `2001:db8:${hex16()}:${hex16()}`;
const freshIp = () => `${freshPrefix()}::1`;
const freshIpv4 = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join(".")}`;
const from = (ip: string) => ({ "cf-connecting-ip": ip });
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
      results.push((await attempt(wallet, wallet, ip, env)).status);
    }
    expect(results).toEqual([200, 200, 429]);
  });

  it("login: per address too, whatever the IP (a distributed attack on one account meets it)", async () => {
    const env = { RATE_LIMIT_LOGIN: "3" };
    const wallet = await newWallet();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(wallet, wallet, freshIpv4(), env)).status);
    const fourth = await attempt(wallet, wallet, freshIp(), env);
    expect([...statuses, fourth.status, fourth.body.code]).toEqual([200, 200, 200, 429, "rate_limited"]);
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(headersOf(fourth)).toEqual(["3", "0"]);
  });

  it("login: a client over its own limit does not use up the address's window", async () => {
    const env = { RATE_LIMIT_LOGIN: "2" };
    const attacker = await newWallet();
    const owner = await newWallet();
    const ip = freshIp();
    expect((await attempt(attacker, attacker, ip, env)).status).toBe(200);
    expect((await attempt(attacker, attacker, ip, env)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const refused = await attempt(owner, attacker, ip, env);
      expect([refused.status, refused.body.code]).toEqual([429, "rate_limited"]);
    }
    expect((await attempt(owner, owner, freshIp(), env)).status).toBe(200);
  });
});

describe("client keys: IPv4 alone, IPv6 by /64", () => {
  it("two IPv6 addresses in one /64 share a window, however they are written; another /64 does not", async () => {
    const prefix = freshPrefix();
    const env = { RATE_LIMIT_PUBLIC: "2" };
    const jwks = (ip: string) =>
      call("/.well-known/jwks.json", { env, headers: from(ip) }).then((r) => r.status);
    const [, , g3 = "", g4 = ""] = prefix.split(":");
    expect(await jwks(`${prefix}::1`)).toBe(200);
    expect(await jwks(`2001:0DB8:${g3.padStart(4, "0")}:${g4.toUpperCase()}:ffff:ffff:ffff:fffe`)).toBe(200);
    expect(await jwks(`${prefix}:0:0:0:2`)).toBe(429);
    expect(
      await jwks(
        `${prefix.slice(0, prefix.lastIndexOf(":"))}:${(Number.parseInt(g4, 16) ^ 1).toString(16)}::1`,
      ),
    ).toBe(200);
  });

  it("an IPv4-mapped IPv6 address is the IPv4 client it carries", async () => {
    const v4 = freshIpv4();
    const env = { RATE_LIMIT_PUBLIC: "2" };
    const jwks = (ip: string) =>
      call("/.well-known/jwks.json", { env, headers: from(ip) }).then((r) => r.status);
    expect([await jwks(v4), await jwks(`::ffff:${v4}`), await jwks(`::FFFF:${v4}`)]).toEqual([200, 200, 429]);
  });

  it("failed sign-ins from one /64 count together", async () => {
    const env = { LOGIN_BLOCK_FAILURES_PER_ADDRESS: "2" };
    const prefix = freshPrefix();
    const [owner, attacker] = [await newWallet(), await newWallet()];
    expect((await attempt(owner, attacker, `${prefix}::1`, env)).status).toBe(401);
    expect((await attempt(owner, attacker, `${prefix}:1:2:3:4`, env)).status).toBe(401);
    const blocked = await attempt(owner, owner, `${prefix}::abcd`, env);
    expect([blocked.status, blocked.body.code]).toEqual([429, "login_blocked"]);
    expect((await attempt(owner, owner, freshIp(), env)).status).toBe(200);
  });
});

/** Challenge and sign-in naming `wallet`'s address, signed by `signer` (an attacker when they differ). */
async function attempt(wallet: Wallet, signer: Wallet, ip: string, env: CallOptions["env"] = {}) {
  const { message } = await challenge(wallet.address, { env, headers: from(ip) });
  return call("/v1/auth/login", {
    body: { message, signature: await sign(message, signer) },
    env,
    headers: from(ip),
  });
}

type BlockEvent = {
  actor: { address?: string };
  details: { scope?: string; client?: string; seconds?: number };
};

/** The login_client_blocked events naming `client` (the bridge stores them after draining the outbox). */
async function blockEvents(client: string): Promise<BlockEvent[]> {
  const sa = await superAdmin();
  const res = await call<{ events: BlockEvent[] }>("/v1/admin/audit?type=login_client_blocked&limit=200", {
    token: sa.accessToken,
  });
  return res.body.events.filter((e) => e.details.client === client);
}

describe("failed sign-ins block the client that makes them, never the address", () => {
  it("junk sign-ins naming the bootstrap SUPER_ADMIN from one client do not keep it out from another", async () => {
    const owner = await existingWallet(ctx.superAdminPrivateKey);
    const attacker = await newWallet();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await attempt(owner, attacker, ip)).status).toBe(401);
    // A bearer sign-in (this test is about the block), which a SUPER_ADMIN may make only without DPOP_REQUIRED.
    const res = await attempt(owner, owner, freshIpv4(), { DPOP_REQUIRED: "none" });
    expect([res.status, res.body.code]).toEqual([200, undefined]);
  });

  it("blocks the failing client for that address (429 login_blocked, Retry-After), audited, until the block ends", async () => {
    const env = { LOGIN_BLOCK_SECONDS: "2" };
    const [owner, attacker] = [await newWallet(), await newWallet()];
    const ip = freshIpv4();
    for (let i = 0; i < 5; i++) expect((await attempt(owner, attacker, ip, env)).status).toBe(401);

    // Refused before its signature is looked at: even a valid one from this client waits.
    const blocked = await attempt(owner, owner, ip, env);
    expect([blocked.status, blocked.body.code]).toEqual([429, "login_blocked"]);
    expect(blocked.body.detail).toContain("for this address");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2);
    // Only for that address, and only for that client.
    expect((await attempt(attacker, attacker, ip, env)).status).toBe(200);
    expect((await attempt(owner, owner, freshIp(), env)).status).toBe(200);

    await expect
      .poll(() => blockEvents(`ip:${ip}`), { timeout: 10_000 })
      .toEqual([
        expect.objectContaining({
          actor: expect.objectContaining({ address: owner.address }),
          details: expect.objectContaining({ scope: "address", seconds: 2 }),
        }),
      ]);

    await new Promise((r) => setTimeout(r, 2_200));
    expect((await attempt(owner, owner, ip, env)).status).toBe(200);
  });

  it("failures spread over many addresses block the client for every address, at their own threshold", async () => {
    const env = { LOGIN_BLOCK_FAILURES_PER_CLIENT: "4" };
    const attacker = await newWallet();
    const ip = freshIp();
    for (let i = 0; i < 3; i++)
      expect((await attempt(await newWallet(), attacker, ip, env)).status).toBe(401);
    // Signing in with its own wallet does not wash the client's failures away.
    expect((await attempt(attacker, attacker, ip, env)).status).toBe(200);
    // A message that does not even parse names no address; it still counts against the client.
    const junk = await call("/v1/auth/login", {
      body: { message: "junk", signature: "0x00" },
      env,
      headers: from(ip),
    });
    expect([junk.status, junk.body.code]).toEqual([401, "login_failed"]);

    const blocked = await attempt(attacker, attacker, ip, env);
    expect([blocked.status, blocked.body.code]).toEqual([429, "login_blocked"]);
    expect(blocked.body.detail).not.toContain("for this address");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await attempt(attacker, attacker, freshIp(), env)).status).toBe(200);
    const client = `ip:${ip.replace(/::1$/, "::/64")}`;
    await expect
      .poll(() => blockEvents(client), { timeout: 10_000 })
      .toEqual([
        expect.objectContaining({ actor: {}, details: expect.objectContaining({ scope: "client" }) }),
      ]);
  });

  it("a good sign-in clears the client's count for that address", async () => {
    const [owner, attacker] = [await newWallet(), await newWallet()];
    const ip = freshIpv4();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await attempt(owner, attacker, ip)).status).toBe(401);
      expect((await attempt(owner, owner, ip)).status).toBe(200);
    }
    expect((await attempt(owner, attacker, ip)).status).toBe(401);
    expect((await login(owner, { headers: from(ip) })).user.address).toBe(owner.address);
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
