import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { call, ctx, login, newWallet } from "./support/edge.ts";

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

  async function upstashRequests(): Promise<number> {
    const res = await fetch(`${ctx.countingUpstashUrl}/_local/stats`, {
      headers: { authorization: `Bearer ${ctx.upstashToken}` },
    });
    const counts = await res.json<Record<string, number>>();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  it("spends at most one Upstash request per authenticated request", async () => {
    const pair = await login(await newWallet(), { env: counted });
    for (let i = 0; i < 3; i++) {
      const before = await upstashRequests();
      const res = await call("/v1/me", { token: pair.accessToken, env: counted });
      expect(res.status).toBe(200);
      expect((await upstashRequests()) - before).toBe(1);
    }
  });

  it("spends none on a request refused before the session check", async () => {
    const before = await upstashRequests();
    expect((await call("/v1/me", { token: "a.b.c", env: counted })).status).toBe(401);
    expect(await upstashRequests()).toBe(before);
  });
});
