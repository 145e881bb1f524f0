import { SIWT_MAX_LIFETIME_SECONDS } from "@tron-auth/shared/siwt";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { call, challenge, ctx, login, newWallet, sign, type TokenPair } from "./support/edge.ts";

type Me = { id: string; address: string; roles: string[]; permissions: string[] };
type Sessions = {
  sessions: {
    id: string;
    createdAt: string;
    lastUsedAt: string;
    ip: string;
    userAgent: string;
    current: boolean;
  }[];
};

const sidOf = (pair: TokenPair) => pair.refreshToken.split(".")[0] ?? "";

describe("Sign-In with TRON, end to end through the bridge", () => {
  it("issues a challenge naming this service, the address and a fresh nonce", async () => {
    const wallet = await newWallet();
    const c = await challenge(wallet.address);
    expect(c.message).toContain(
      `${ctx.siwt.domain} wants you to sign in with your TRON account:\n${wallet.address}`,
    );
    expect(c.message).toContain(`Nonce: ${c.nonce}`);
    expect(c.message).toContain(`Chain ID: ${ctx.siwt.chainId}`);
    const ttl = Date.parse(c.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(280_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    expect((await challenge(wallet.address)).nonce).not.toBe(c.nonce);
  });

  it("refuses a challenge for an invalid address or another chain with 400", async () => {
    for (const body of [{ address: "TXYZ" }, { address: "0x0000000000000000000000000000000000000000" }, {}]) {
      const res = await call("/v1/auth/challenge", { body });
      expect([res.status, res.body.code]).toEqual([400, "validation_failed"]);
    }
    const wallet = await newWallet();
    const chain = await call("/v1/auth/challenge", { body: { address: wallet.address, chainId: "tron:1" } });
    expect([chain.status, chain.body.code]).toEqual([400, "validation_failed"]);
    const notJson = await call("/v1/auth/challenge", {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect([notJson.status, notJson.body.code]).toEqual([400, "bad_request"]);
  });

  it("signs in with the longest challenge TTL the config accepts, and refuses a longer one", async () => {
    // The setting and the validators (edge and bridge) share one limit: at the limit a sign-in
    // works end to end; beyond it the worker reports itself misconfigured instead of issuing
    // challenges nobody can use.
    const longest = { env: { CHALLENGE_TTL_SECONDS: String(SIWT_MAX_LIFETIME_SECONDS) } };
    const wallet = await newWallet();
    const c = await challenge(wallet.address, longest);
    expect(Date.parse(c.expiresAt) - Date.now()).toBeGreaterThan((SIWT_MAX_LIFETIME_SECONDS - 20) * 1000);
    const res = await call<TokenPair>("/v1/auth/login", {
      ...longest,
      body: { message: c.message, signature: await sign(c.message, wallet) },
    });
    expect([res.status, res.body.user?.address]).toEqual([200, wallet.address]);

    const tooLong = await call("/v1/auth/challenge", {
      body: { address: wallet.address },
      env: { CHALLENGE_TTL_SECONDS: String(SIWT_MAX_LIFETIME_SECONDS + 1) },
    });
    expect([tooLong.status, tooLong.body.code]).toEqual([503, "service_unavailable"]);
    expect(tooLong.body.detail).toContain("CHALLENGE_TTL_SECONDS");
  });

  it("logs in with a signature from tronweb signMessageV2 and returns the token pair", async () => {
    const wallet = await newWallet();
    const pair = await login(wallet, { dpop: false });
    expect(pair).toMatchObject({
      tokenType: "Bearer",
      expiresIn: 900,
      user: { address: wallet.address, roles: ["USER"] },
    });
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const me = await call<Me>("/v1/me", { token: pair.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: pair.user.id, address: wallet.address, roles: ["USER"] });
    expect(me.body.permissions).toEqual(["profile:read", "sessions:read", "sessions:revoke"]);
  });

  it("puts the documented claims in the access token", async () => {
    const pair = await login(await newWallet());
    const h = decodeProtectedHeader(pair.accessToken);
    const p = decodeJwt(pair.accessToken) as { exp: number; iat: number; jti?: string };
    expect(h).toMatchObject({ alg: "EdDSA", typ: "at+jwt" });
    expect(typeof h.kid).toBe("string");
    expect(p).toMatchObject({
      iss: ctx.jwt.issuer,
      aud: ctx.jwt.audience,
      sub: pair.user.id,
      addr: pair.user.address,
      roles: ["USER"],
      sid: sidOf(pair),
    });
    expect(p.exp - p.iat).toBe(900);
    expect(typeof p.jti).toBe("string");
  });

  it("rotates the refresh token on every use", async () => {
    const first = await login(await newWallet());
    const second = await call<TokenPair>("/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(sidOf(second.body)).toBe(sidOf(first));
    const third = await call<TokenPair>("/v1/auth/refresh", {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(third.status).toBe(200);
    expect((await call("/v1/me", { token: third.body.accessToken })).status).toBe(200);
  });

  it("answers a retry with the just-replaced token (lost response) with the same new pair", async () => {
    const first = await login(await newWallet());
    const rotated = await call<TokenPair>("/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
    const retried = await call<TokenPair>("/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(rotated.body);
  });

  it("with REFRESH_GRACE_SECONDS=0 rotates normally and treats any replay of the old token as reuse", async () => {
    const noGrace = { REFRESH_GRACE_SECONDS: "0" };
    const first = await login(await newWallet(), { env: noGrace });
    const refresh = (refreshToken: string) =>
      call<TokenPair>("/v1/auth/refresh", { body: { refreshToken }, env: noGrace });
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const replay = await refresh(first.refreshToken);
    expect([replay.status, replay.body.code]).toEqual([401, "refresh_token_reused"]);
    expect((await refresh(second.body.refreshToken)).status).toBe(401);
    const me = await call("/v1/me", { token: second.body.accessToken, env: { SESSION_CACHE_MS: "0" } });
    expect([me.status, me.body.code]).toEqual([401, "session_revoked"]);
  });

  it("treats an older refresh token as theft: the session ends, its access token too", async () => {
    const first = await login(await newWallet());
    const second = await call<TokenPair>("/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
    const third = await call<TokenPair>("/v1/auth/refresh", {
      body: { refreshToken: second.body.refreshToken },
    });
    const reused = await call("/v1/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect([reused.status, reused.body.code]).toEqual([401, "refresh_token_reused"]);
    const me = await call("/v1/me", { token: third.body.accessToken });
    expect([me.status, me.body.code]).toEqual([401, "session_revoked"]);
    const next = await call("/v1/auth/refresh", { body: { refreshToken: third.body.refreshToken } });
    expect(next.status).toBe(401);
  });

  it("refuses malformed and unknown refresh tokens with 401 or 400, never 500", async () => {
    const unknown = `${"A".repeat(22)}.${"B".repeat(43)}`;
    for (const refreshToken of ["x", unknown, `${"A".repeat(22)}.${"B".repeat(42)}!`]) {
      const res = await call("/v1/auth/refresh", { body: { refreshToken } });
      expect([res.status, res.body.code]).toEqual([401, "invalid_token"]);
    }
    expect((await call("/v1/auth/refresh", { body: { token: "x" } })).status).toBe(400);
  });

  it("logs out at once: 204, then the access and refresh tokens are refused", async () => {
    const pair = await login(await newWallet());
    const out = await call("/v1/auth/logout", { method: "POST", token: pair.accessToken });
    expect(out.status).toBe(204);
    const me = await call("/v1/me", { token: pair.accessToken });
    expect([me.status, me.body.code]).toEqual([401, "session_revoked"]);
    expect((await call("/v1/auth/refresh", { body: { refreshToken: pair.refreshToken } })).status).toBe(401);
    expect((await call("/v1/auth/logout", { method: "POST" })).status).toBe(401);
  });

  it("lists the user's sessions, marks the current one, and revokes one by id", async () => {
    const wallet = await newWallet();
    const a = await login(wallet, { headers: { "cf-connecting-ip": "192.0.2.10", "user-agent": "phone/1" } });
    const b = await login(wallet, {
      headers: { "cf-connecting-ip": "192.0.2.11", "user-agent": "laptop/1" },
    });
    const list = await call<Sessions>("/v1/auth/sessions", { token: b.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.sessions.map((s) => [s.id, s.current, s.ip, s.userAgent])).toEqual([
      [sidOf(b), true, "192.0.2.11", "laptop/1"],
      [sidOf(a), false, "192.0.2.10", "phone/1"],
    ]);
    expect(Date.parse(list.body.sessions[0]?.createdAt ?? "")).toBeGreaterThan(0);
    const del = await call(`/v1/auth/sessions/${sidOf(a)}`, { method: "DELETE", token: b.accessToken });
    expect(del.status).toBe(204);
    expect((await call("/v1/me", { token: a.accessToken })).body.code).toBe("session_revoked");
    expect((await call("/v1/me", { token: b.accessToken })).status).toBe(200);
  });

  it("never lets a user revoke someone else's session (404, as if it did not exist)", async () => {
    const mine = await login(await newWallet());
    const theirs = await login(await newWallet());
    const res = await call(`/v1/auth/sessions/${sidOf(theirs)}`, {
      method: "DELETE",
      token: mine.accessToken,
    });
    expect([res.status, res.body.code]).toEqual([404, "not_found"]);
    expect((await call("/v1/me", { token: theirs.accessToken })).status).toBe(200);
    expect(
      (await call("/v1/auth/sessions/not-a-session-id", { method: "DELETE", token: mine.accessToken }))
        .status,
    ).toBe(404);
  });

  it("keeps at most 5 live sessions: the sixth login evicts the oldest", async () => {
    const wallet = await newWallet();
    const pairs: TokenPair[] = [];
    for (let i = 0; i < 6; i++) pairs.push(await login(wallet));
    const [oldest, ...rest] = pairs as [TokenPair, ...TokenPair[]];
    expect((await call("/v1/me", { token: oldest.accessToken })).body.code).toBe("session_revoked");
    const list = await call<Sessions>("/v1/auth/sessions", { token: rest.at(-1)?.accessToken ?? "" });
    expect(list.body.sessions.map((s) => s.id).sort()).toEqual(rest.map(sidOf).sort());
  });

  it("serves the public keys at /.well-known/jwks.json, never a private part", async () => {
    const res = await call<{ keys: Record<string, string>[] }>("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
      expect(key.d).toBeUndefined();
    }
  });

  it("rejects a signature over a different message than the one submitted", async () => {
    const wallet = await newWallet();
    const { message } = await challenge(wallet.address);
    const signature = await sign(`${message} `, wallet);
    const res = await call("/v1/auth/login", { body: { message, signature } });
    expect([res.status, res.body.code]).toEqual([401, "login_failed"]);
  });
});
