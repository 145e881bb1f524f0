import { describe, expect, it } from "vitest";
import { hashSecret } from "../src/tokens/refresh-token.ts";
import { call, ctx, login, newWallet, superAdmin, type TokenPair } from "./support/edge.ts";
import { redisCommand, sidOf } from "./support/redis.ts";

const strict = { SESSION_CACHE_MS: "0" };
const randomId = (bytes: number) => {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
};

/** What anyone holding the Upstash token could write before records carried a MAC. */
async function forgeSession(owner: TokenPair["user"], roles: string[]): Promise<string> {
  const sid = randomId(16);
  const secret = randomId(32);
  const now = Date.now();
  const fields = {
    uid: owner.id,
    addr: owner.address,
    roles: JSON.stringify(roles),
    ip: "203.0.113.9",
    ua: "forger/1",
    createdAt: now,
    lastUsedAt: now,
    loginAt: now,
    absExp: now + 86_400_000,
    rh: await hashSecret(secret),
    ph: "",
    pat: 0,
    mac: randomId(32),
  };
  const key = `ta:sess:${sid}`;
  expect((await redisCommand(["HSET", key, ...Object.entries(fields).flat()])).status).toBe(200);
  await redisCommand(["EXPIRE", key, 86_400]);
  await redisCommand(["ZADD", `ta:usess:${owner.id}`, now, sid]);
  return `${sid}.${secret}`;
}

const refresh = (refreshToken: string, env = {}) =>
  call<TokenPair>("/v1/auth/refresh", { body: { refreshToken }, env });

describe("session records carry a MAC only the worker can make", () => {
  it("refuses to refresh a forged session hash naming a real SUPER_ADMIN", async () => {
    const sa = await superAdmin();
    const forged = await forgeSession(sa.user, ["SUPER_ADMIN"]);
    const res = await refresh(forged);
    expect([res.status, res.body.code]).toEqual([401, "invalid_token"]);
    expect(JSON.stringify(res.body)).not.toContain("accessToken");
    // Nor is it listed among the SUPER_ADMIN's sessions.
    const list = await call<{ sessions: { id: string }[] }>("/v1/auth/sessions", { token: sa.accessToken });
    expect(list.body.sessions.map((s) => s.id)).not.toContain(sidOf(forged));
  });

  it("treats a real session whose refresh hash was replaced as absent, for refresh and access alike", async () => {
    const victim = await superAdmin({ env: strict });
    const sid = sidOf(victim.refreshToken);
    const secret = randomId(32);
    await redisCommand(["HSET", `ta:sess:${sid}`, "rh", await hashSecret(secret)]);
    const stolen = await refresh(`${sid}.${secret}`);
    expect([stolen.status, stolen.body.code]).toEqual([401, "invalid_token"]);
    const admin = await call("/v1/admin/users", { token: victim.accessToken });
    expect([admin.status, admin.body.code]).toEqual([401, "session_revoked"]);
  });

  it("refuses a real session whose roles field was raised, on privileged and ordinary routes", async () => {
    const user = await login(await newWallet());
    const sid = sidOf(user.refreshToken);
    expect((await call("/v1/me", { token: user.accessToken, env: strict })).status).toBe(200);
    await redisCommand(["HSET", `ta:sess:${sid}`, "roles", '["SUPER_ADMIN"]']);
    const admin = await call("/v1/admin/users", { token: user.accessToken });
    expect([admin.status, admin.body.code]).toEqual([401, "session_revoked"]);
    const me = await call("/v1/me", { token: user.accessToken, env: strict });
    expect([me.status, me.body.code]).toEqual([401, "session_revoked"]);
    expect((await refresh(user.refreshToken)).status).toBe(401);
  });

  it("records the tampering in the audit log, without the record's contents", async () => {
    const sa = await superAdmin();
    const user = await login(await newWallet());
    const sid = sidOf(user.refreshToken);
    await redisCommand(["HSET", `ta:sess:${sid}`, "ua", "changed"]);
    expect((await call("/v1/me", { token: user.accessToken, env: strict })).status).toBe(401);
    const events = async () => {
      const res = await call<{ events: { target?: { id: string }; details: Record<string, unknown> }[] }>(
        "/v1/admin/audit?type=session_tampered&limit=200",
        { token: sa.accessToken },
      );
      return res.body.events.filter((e) => e.target?.id === sid);
    };
    await expect.poll(async () => (await events()).length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(JSON.stringify(await events())).not.toContain("changed");
  });

  it("rotates the MAC key: the first key signs, every listed key verifies", async () => {
    const wallet = await newWallet();
    const underA = await login(wallet);
    const overlap = { ...strict, SESSION_MAC_KEY: `${ctx.sessionMac.b},${ctx.sessionMac.a}` };
    expect((await call("/v1/me", { token: underA.accessToken, env: overlap })).status).toBe(200);
    const underB = await login(wallet, { env: overlap });
    const onlyB = { ...strict, SESSION_MAC_KEY: ctx.sessionMac.b };
    expect((await call("/v1/me", { token: underA.accessToken, env: onlyB })).status).toBe(401);
    expect((await call("/v1/me", { token: underB.accessToken, env: onlyB })).status).toBe(200);
    expect((await refresh(underB.refreshToken, onlyB)).status).toBe(200);
  });

  it("answers 503 naming SESSION_MAC_KEY (never its value) when it is missing, short or not base64url", async () => {
    const pair = await login(await newWallet());
    const short = randomId(16);
    for (const SESSION_MAC_KEY of ["", short, `${ctx.sessionMac.a},not base64!`]) {
      const res = await call("/v1/me", { token: pair.accessToken, env: { ...strict, SESSION_MAC_KEY } });
      expect([res.status, res.body.code]).toEqual([503, "service_unavailable"]);
      expect(String(res.body.detail)).toContain("SESSION_MAC_KEY");
      if (SESSION_MAC_KEY) expect(JSON.stringify(res.body)).not.toContain(SESSION_MAC_KEY);
    }
  });

  it("the bridge's Upstash token cannot write a session at all, nor append to the outbox", async () => {
    const sa = await superAdmin();
    const asBridge = (command: string[]) => redisCommand(command, ctx.upstashUrl, ctx.bridgeUpstashToken);
    const sid = sidOf(sa.refreshToken);
    for (const command of [
      ["HSET", `ta:sess:${sid}`, "roles", '["SUPER_ADMIN"]'],
      ["EVAL", "return redis.call('DEL', KEYS[1])", "1", `ta:sess:${sid}`],
      ["XADD", "ta:audit:outbox", "*", "jws", "forged"],
      ["HGETALL", `ta:sess:${sid}`],
    ]) {
      const reply = await asBridge(command);
      expect([command[0], reply.status]).toEqual([command[0], 403]);
      expect(reply.error).toMatch(/^NOPERM/);
    }
    expect((await call("/v1/admin/users", { token: sa.accessToken })).status).toBe(200);
  });
});
