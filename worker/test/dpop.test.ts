import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type DpopKey, newKey, signProof } from "./support/dpop.ts";
import {
  actorWithRole,
  call,
  challenge,
  ctx,
  existingWallet,
  login,
  newWallet,
  sign,
  superAdmin,
  type TokenPair,
} from "./support/edge.ts";
import { redisCommand, sidOf } from "./support/redis.ts";

type Bound = TokenPair & { key: DpopKey };

const ME = "https://edge.test/v1/me";
const REFRESH = "https://edge.test/v1/auth/refresh";

async function boundUser(): Promise<Bound> {
  const pair = await login(await newWallet());
  if (!pair.key) throw new Error("expected a bound pair");
  return pair as Bound;
}

/** GET /v1/me with exactly these headers (nothing added by the tests' DPoP client). */
const meWith = (headers: Record<string, string>) => call("/v1/me", { headers });
const dpopAuth = (pair: TokenPair) => ({ authorization: `DPoP ${pair.accessToken}` });

/** A proof for GET /v1/me with `pair`'s token, by `key`, changed by `claims`/`header`. */
const meProof = (key: DpopKey, pair: TokenPair, claims?: Record<string, unknown>, nonce?: string) =>
  signProof(key, { method: "GET", url: ME, accessToken: pair.accessToken, nonce, claims: claims ?? {} });

/** A nonce this isolate accepts: the one it offers on a DPoP response. */
async function liveNonce(pair: Bound): Promise<string> {
  const res = await meWith({ ...dpopAuth(pair), DPoP: await meProof(pair.key, pair) });
  const nonce = res.headers.get("dpop-nonce");
  if (res.status !== 200 || !nonce) throw new Error(`no nonce: ${res.status}`);
  return nonce;
}

describe("DPoP: a session bound at sign-in", () => {
  let pair: Bound;
  beforeAll(async () => {
    pair = await boundUser();
  });

  it("binds the session to the proof's key: tokenType DPoP and cnf.jkt = the key's thumbprint", async () => {
    expect(pair.tokenType).toBe("DPoP");
    expect(decodeJwt(pair.accessToken).cnf).toEqual({ jkt: pair.key.jkt });
    const res = await call<{ address: string }>("/v1/me", { token: pair.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get("dpop-nonce")).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it("works with an Ed25519 key too", async () => {
    const wallet = await newWallet();
    const key = await newKey("EdDSA");
    const { message } = await challenge(wallet.address);
    const proof = await signProof(key, { method: "POST", url: "https://edge.test/v1/auth/login" });
    const res = await call<TokenPair>("/v1/auth/login", {
      headers: { DPoP: proof },
      body: { message, signature: await sign(message, wallet) },
    });
    expect([res.status, res.body.tokenType]).toEqual([200, "DPoP"]);
    expect(decodeJwt(res.body.accessToken).cnf).toEqual({ jkt: key.jkt });
    const me = await meWith({ ...dpopAuth(res.body), DPoP: await meProof(key, res.body) });
    expect(me.status).toBe(200);
  });

  it("refuses a stolen access token without the key: as Bearer, as DPoP without a proof, with another key's proof", async () => {
    const bearer = await meWith({ authorization: `Bearer ${pair.accessToken}` });
    expect([bearer.status, bearer.body.code]).toEqual([401, "invalid_token"]);
    const bare = await meWith(dpopAuth(pair));
    expect([bare.status, bare.body.code]).toEqual([401, "invalid_dpop_proof"]);
    expect(bare.headers.get("www-authenticate")).toBe(
      'DPoP realm="tron-auth", algs="ES256 EdDSA", error="invalid_dpop_proof"',
    );
    const thief = await newKey();
    const other = await meWith({ ...dpopAuth(pair), DPoP: await meProof(thief, pair) });
    expect([other.status, other.body.code]).toEqual([401, "invalid_dpop_proof"]);
    expect(other.body.detail).toContain("another key");
  });

  it("refuses a proof for another method or another URL", async () => {
    const post = await signProof(pair.key, { method: "POST", url: ME, accessToken: pair.accessToken });
    const wrongMethod = await meWith({ ...dpopAuth(pair), DPoP: post });
    expect([wrongMethod.status, wrongMethod.body.code]).toEqual([401, "invalid_dpop_proof"]);
    expect(wrongMethod.body.detail).toContain("method");
    for (const htu of [
      "https://edge.test/v1/auth/sessions",
      "https://evil.test/v1/me",
      "http://edge.test/v1/me",
    ]) {
      const res = await meWith({ ...dpopAuth(pair), DPoP: await meProof(pair.key, pair, { htu }) });
      expect([res.status, res.body.code, htu]).toEqual([401, "invalid_dpop_proof", htu]);
    }
  });

  it("compares htu as RFC 9449 normalises it: query, fragment, case of scheme and host, default port", async () => {
    for (const htu of [
      "HTTPS://EDGE.TEST/v1/me",
      "https://edge.test:443/v1/me",
      "https://edge.test/v1/me?x=1#y",
    ]) {
      const res = await meWith({ ...dpopAuth(pair), DPoP: await meProof(pair.key, pair, { htu }) });
      expect([res.status, htu]).toEqual([200, htu]);
    }
    // The path is compared exactly (case included).
    const res = await meWith({
      ...dpopAuth(pair),
      DPoP: await meProof(pair.key, pair, { htu: "https://edge.test/V1/ME" }),
    });
    expect(res.status).toBe(401);
  });

  it("refuses a replayed proof, with this isolate's nonce and without a nonce (Redis)", async () => {
    const nonce = await liveNonce(pair);
    const withNonce = await meProof(pair.key, pair, {}, nonce);
    expect((await meWith({ ...dpopAuth(pair), DPoP: withNonce })).status).toBe(200);
    const again = await meWith({ ...dpopAuth(pair), DPoP: withNonce });
    expect([again.status, again.body.code, again.body.detail]).toEqual([
      401,
      "invalid_dpop_proof",
      "This DPoP proof was already used.",
    ]);
    const noNonce = await meProof(pair.key, pair);
    expect((await meWith({ ...dpopAuth(pair), DPoP: noNonce })).status).toBe(200);
    const replayed = await meWith({ ...dpopAuth(pair), DPoP: noNonce });
    expect([replayed.status, replayed.body.code]).toEqual([401, "invalid_dpop_proof"]);
  });

  it("refuses an old proof and one dated in the future", async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await meWith({ ...dpopAuth(pair), DPoP: await meProof(pair.key, pair, { iat: now - 61 }) });
    expect([old.status, old.body.code, old.body.detail]).toEqual([
      401,
      "invalid_dpop_proof",
      "The DPoP proof is too old.",
    ]);
    const future = await meWith({
      ...dpopAuth(pair),
      DPoP: await meProof(pair.key, pair, { iat: now + 30 }),
    });
    expect([future.status, future.body.code]).toEqual([401, "invalid_dpop_proof"]);
    const recent = await meWith({
      ...dpopAuth(pair),
      DPoP: await meProof(pair.key, pair, { iat: now - 30 }),
    });
    expect(recent.status).toBe(200);
  });

  it("refuses a proof for another access token, and one without ath", async () => {
    const other = await boundUser();
    const forOther = await signProof(pair.key, { method: "GET", url: ME, accessToken: other.accessToken });
    const res = await meWith({ ...dpopAuth(pair), DPoP: forOther });
    expect([res.status, res.body.code, res.body.detail]).toEqual([
      401,
      "invalid_dpop_proof",
      "The DPoP proof is for another access token.",
    ]);
    const noAth = await signProof(pair.key, { method: "GET", url: ME });
    expect((await meWith({ ...dpopAuth(pair), DPoP: noAth })).body.code).toBe("invalid_dpop_proof");
  });

  it("refuses malformed proofs: typ, algorithm, private key in the header, two proofs, garbage", async () => {
    const bad = async (p: string) => (await meWith({ ...dpopAuth(pair), DPoP: p })).body.code;
    expect(
      await bad(
        await signProof(pair.key, {
          method: "GET",
          url: ME,
          accessToken: pair.accessToken,
          header: { typ: "JWT" },
        }),
      ),
    ).toBe("invalid_dpop_proof");
    // A private JWK in the header: the key the proof claims is not a public key.
    const extractable = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const privateJwk = await crypto.subtle.exportKey("jwk", extractable.privateKey);
    const leaked = await signProof(
      { ...pair.key, privateKey: extractable.privateKey, publicJwk: {} },
      { method: "GET", url: ME, accessToken: pair.accessToken, header: { jwk: privateJwk } },
    );
    expect(await bad(leaked)).toBe("invalid_dpop_proof");
    const hmacKey = (await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, [
      "sign",
    ])) as CryptoKey;
    const hs256 = await signProof(
      { ...pair.key, alg: "HS256" as DpopKey["alg"], privateKey: hmacKey },
      { method: "GET", url: ME, accessToken: pair.accessToken },
    );
    expect(await bad(hs256)).toBe("invalid_dpop_proof");
    const good = await meProof(pair.key, pair);
    expect(await bad(`${good}, ${await meProof(pair.key, pair)}`)).toBe("invalid_dpop_proof");
    expect(await bad("not-a-jwt")).toBe("invalid_dpop_proof");
  });

  it("refuses a proof whose claims were changed after signing (same key, same header)", async () => {
    const good = await meProof(pair.key, pair);
    const [header, , signature] = good.split(".");
    const other = await meProof(pair.key, pair, { jti: "another-jti-of-sixteen+" });
    const swapped = `${header}.${other.split(".")[1]}.${signature}`;
    const res = await meWith({ ...dpopAuth(pair), DPoP: swapped });
    expect([res.status, res.body.code, res.body.detail]).toEqual([
      401,
      "invalid_dpop_proof",
      "The DPoP proof's signature is not valid.",
    ]);
    // The genuine proof still works: the refusal was the signature's, not a burnt jti.
    expect((await meWith({ ...dpopAuth(pair), DPoP: good })).status).toBe(200);
  });

  it("asks for its nonce when a proof carries a stale one, and accepts the retry with it", async () => {
    const res = await meWith({
      ...dpopAuth(pair),
      DPoP: await meProof(pair.key, pair, {}, "bm90LWEtbm9uY2UtZnJvbS1oZXJl"),
    });
    expect([res.status, res.body.code]).toEqual([401, "use_dpop_nonce"]);
    expect(res.headers.get("www-authenticate")).toBe(
      'DPoP realm="tron-auth", algs="ES256 EdDSA", error="use_dpop_nonce"',
    );
    const nonce = res.headers.get("dpop-nonce") ?? "";
    expect(nonce).not.toBe("");
    const retry = await meWith({ ...dpopAuth(pair), DPoP: await meProof(pair.key, pair, {}, nonce) });
    expect(retry.status).toBe(200);
  });

  it("refuses an unbound token sent as DPoP", async () => {
    const bearer = await login(await newWallet(), { dpop: false });
    const res = await meWith({
      authorization: `DPoP ${bearer.accessToken}`,
      DPoP: await meProof(pair.key, bearer),
    });
    expect([res.status, res.body.code]).toEqual([401, "invalid_token"]);
  });

  it("notices a binding removed from the session record in Redis (the MAC covers it)", async () => {
    const victim = await boundUser();
    expect((await call("/v1/me", { token: victim.accessToken })).status).toBe(200);
    await redisCommand(["HDEL", `ta:sess:${sidOf(victim.refreshToken)}`, "jkt"]);
    const res = await call("/v1/auth/refresh", { body: { refreshToken: victim.refreshToken } });
    expect([res.status, res.body.code]).toEqual([401, "invalid_token"]);
  });
});

describe("DPoP: refresh of a bound session", () => {
  it("refuses a bound refresh token without a proof or with another key's, and the session lives on", async () => {
    const pair = await boundUser();
    const stolen = await fetchRefresh(pair.refreshToken);
    expect([stolen.status, stolen.body.code]).toEqual([401, "dpop_required"]);
    const thief = await newKey();
    const proof = await signProof(thief, { method: "POST", url: REFRESH });
    const other = await fetchRefresh(pair.refreshToken, { DPoP: proof });
    expect([other.status, other.body.code]).toEqual([401, "invalid_dpop_proof"]);
    // Neither attempt counted as a use: the owner's refresh (with its key) still rotates.
    const owner = await call<TokenPair>("/v1/auth/refresh", { body: { refreshToken: pair.refreshToken } });
    expect([owner.status, owner.body.tokenType]).toEqual([200, "DPoP"]);
    expect(decodeJwt(owner.body.accessToken).cnf).toEqual({ jkt: pair.key.jkt });
    expect((await call("/v1/me", { token: owner.body.accessToken })).status).toBe(200);
  });
});

/** A refresh as a thief sends it: the token, and only the headers given. */
async function fetchRefresh(refreshToken: string, headers: Record<string, string> = {}) {
  const res = await call<{ code?: string }>("/v1/auth/refresh", {
    headers,
    body: JSON.stringify({ refreshToken }),
  });
  return res;
}

describe("DPoP: which sessions must be bound (DPOP_REQUIRED) and wallet signing", () => {
  it("by default (privileged) refuses a SUPER_ADMIN sign-in without a proof, and allows a USER's", async () => {
    const sa = await existingWallet(ctx.superAdminPrivateKey);
    // The test bindings leave DPOP_REQUIRED unset: the default applies.
    await expect(login(sa, { dpop: false })).rejects.toThrow(/dpop_required/);
    const user = await login(await newWallet(), { dpop: false });
    expect(user.tokenType).toBe("Bearer");
  });

  it("with all, refuses every sign-in without a proof before the bridge is asked", async () => {
    await expect(login(await newWallet(), { dpop: false, env: { DPOP_REQUIRED: "all" } })).rejects.toThrow(
      /dpop_required/,
    );
    const bound = await login(await newWallet(), { env: { DPOP_REQUIRED: "all" } });
    expect(bound.tokenType).toBe("DPoP");
  });

  it("refuses a bearer session promoted to ADMIN on its next privileged request", async () => {
    const actor = await actorWithRole("USER");
    const bearer = await login(actor.wallet, { dpop: false });
    const sa = await superAdmin();
    const grant = await call(`/v1/admin/users/${bearer.user.id}/roles`, {
      method: "PUT",
      token: sa.accessToken,
      body: { roles: ["ADMIN"] },
    });
    expect(grant.status).toBe(200);
    const res = await call("/v1/admin/users", {
      token: bearer.accessToken,
      env: { DPOP_REQUIRED: "privileged" },
    });
    expect([res.status, res.body.code]).toEqual([401, "dpop_required"]);
    expect(res.headers.get("www-authenticate")).toBe('DPoP realm="tron-auth", algs="ES256 EdDSA"');
  });

  it("with none, lets an admin use a bearer session, but wallet signing still needs a bound one", async () => {
    const sa = await existingWallet(ctx.superAdminPrivateKey);
    const env = { DPOP_REQUIRED: "none" };
    const bearer = await login(sa, { dpop: false, env });
    expect((await call("/v1/admin/users", { token: bearer.accessToken, env })).status).toBe(200);
    const sign = await call("/v1/wallet/sign-message", {
      token: bearer.accessToken,
      env,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { message: "hello" },
    });
    expect([sign.status, sign.body.code]).toEqual([401, "dpop_required"]);
    const bound = await login(sa, { env });
    const signed = await call("/v1/wallet/sign-message", {
      token: bound.accessToken,
      env,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { message: "hello" },
    });
    expect([200, 202]).toContain(signed.status);
  });
});
