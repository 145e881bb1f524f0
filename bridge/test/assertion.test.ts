import { randomUUID } from "node:crypto";
import { base64url, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type AssertionVerifier, createAssertionVerifier } from "../src/auth/assertion.ts";
import { ReplayCache } from "../src/auth/replay-cache.ts";
import {
  AUDIENCE,
  ISSUER,
  jwksOf,
  makeSigningKey,
  type SigningKey,
  signAssertion,
} from "./support/assertions.ts";

const enc = new TextEncoder();
let key: SigningKey;
let otherKey: SigningKey;
let verify: AssertionVerifier;

async function reason(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "accepted",
    (e: { reason?: string }) => e.reason ?? "unknown",
  );
}

beforeAll(async () => {
  key = await makeSigningKey();
  otherKey = await makeSigningKey();
  verify = createAssertionVerifier({ jwks: jwksOf(key), issuer: ISSUER, audience: AUDIENCE });
});

describe("internal assertion", () => {
  it("accepts a fresh assertion bound to the body and returns its claims", async () => {
    const body = '{"a":1}';
    const token = await signAssertion(key, { body, sub: "usr_1", roles: ["ADMIN"] });
    const claims = await verify(token, enc.encode(body));
    expect(claims).toMatchObject({ sub: "usr_1", roles: ["ADMIN"], rid: "req-test", iss: ISSUER });
  });

  it("refuses a missing assertion", async () => {
    expect(await reason(verify(undefined, enc.encode("")))).toBe("assertion_missing");
  });

  it("refuses a replayed assertion", async () => {
    const token = await signAssertion(key);
    await verify(token, enc.encode(""));
    expect(await reason(verify(token, enc.encode("")))).toBe("assertion_replayed");
  });

  it("refuses a body other than the one signed", async () => {
    const token = await signAssertion(key, { body: '{"roles":["USER"]}' });
    expect(await reason(verify(token, enc.encode('{"roles":["SUPER_ADMIN"]}')))).toBe(
      "assertion_body_mismatch",
    );
  });

  it("refuses an expired assertion", async () => {
    const token = await signAssertion(key, { iatOffset: -200, lifetime: 60 });
    expect(await reason(verify(token, enc.encode("")))).toBe("assertion_expired");
  });

  it("refuses a lifetime over 60 seconds", async () => {
    const token = await signAssertion(key, { lifetime: 3600 });
    expect(await reason(verify(token, enc.encode("")))).toBe("assertion_invalid");
  });

  it.each([
    ["wrong issuer", { iss: "someone-else" }],
    ["wrong audience", { aud: "another-service" }],
    ["access-token typ", { typ: "at+jwt" }],
    ["missing jti", { omit: ["jti"] }],
    ["missing body hash", { omit: ["bh"] }],
    ["unknown role", { roles: ["GOD"] }],
  ])("refuses %s", async (_name, overrides) => {
    const token = await signAssertion(key, overrides);
    expect(await reason(verify(token, enc.encode("")))).toBe("assertion_invalid");
  });

  it("refuses a signature by a key not in the worker's set", async () => {
    const token = await signAssertion(otherKey);
    expect(await reason(verify(token, enc.encode("")))).toBe("assertion_invalid");
  });

  it("refuses alg none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = new UnsecuredJWT({ sub: "x", roles: [], rid: "r", bh: "x".repeat(43), jti: randomUUID() })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .encode();
    expect(await reason(verify(token, enc.encode("")))).toBe("assertion_invalid");
  });

  it("refuses a tampered payload", async () => {
    const token = await signAssertion(key, { sub: "usr_1" });
    const [h, p, s] = token.split(".") as [string, string, string];
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    payload.sub = "usr_admin";
    const forged = `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
    expect(await reason(verify(forged, enc.encode("")))).toBe("assertion_invalid");
  });

  it("refuses HS256 signed with the worker's public key as the secret", async () => {
    const { SignJWT } = await import("jose");
    const secret = enc.encode(JSON.stringify(key.publicJwk));
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: "x", roles: [], rid: "r", bh: "x".repeat(43) })
      .setProtectedHeader({ alg: "HS256", typ: "bridge+jwt", kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .sign(secret);
    expect(await reason(verify(token, enc.encode("")))).toBe("assertion_invalid");
  });
});

describe("replay cache", () => {
  it("forgets ids once they expire and refuses new ids when full of live ones", () => {
    const cache = new ReplayCache(2);
    expect(cache.remember("a", 1_000, 0)).toBe(true);
    expect(cache.remember("a", 1_000, 500)).toBe(false);
    expect(cache.remember("a", 3_000, 1_000)).toBe(true);
    expect(cache.remember("b", 3_000, 1_000)).toBe(true);
    expect(cache.remember("c", 3_000, 1_500)).toBe(false);
    expect(cache.remember("c", 5_000, 3_000)).toBe(true);
    expect(cache.size).toBe(1);
  });
});
