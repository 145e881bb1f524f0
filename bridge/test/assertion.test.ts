import { randomBytes, randomUUID } from "node:crypto";
import { base64url, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type AssertionVerifier, createAssertionVerifier } from "../src/auth/assertion.ts";
import { ReplayStore } from "../src/auth/replay-store.ts";
import { connectDatabase, type Database } from "../src/db/mongo.ts";
import {
  AUDIENCE,
  ISSUER,
  jwksOf,
  LOGIN_PATH,
  makeSigningKey,
  type SigningKey,
  signAssertion,
} from "./support/assertions.ts";

const enc = new TextEncoder();
let key: SigningKey;
let otherKey: SigningKey;
let verify: AssertionVerifier;
let database: Database;

/** The request as the bridge received it; by default the login call the assertions are signed for. */
const received = (body = "", method = "POST", target = LOGIN_PATH) => ({
  method,
  target,
  body: enc.encode(body),
});

/** The refusal's reason; every refusal is an AssertionError whose message says why (the log shows it). */
async function reason(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "accepted",
    (e: { reason?: string; name?: string; message?: string }) => {
      expect(e.name).toBe("AssertionError");
      expect(e.message).toMatch(/^assertion|^internal assertion|assertion$/);
      return e.reason ?? "unknown";
    },
  );
}

beforeAll(async () => {
  key = await makeSigningKey();
  otherKey = await makeSigningKey();
  database = await connectDatabase(inject("mongoUri"), `assertion_${randomBytes(6).toString("hex")}`);
  const replay = new ReplayStore(database.db);
  await replay.ensureIndexes();
  verify = createAssertionVerifier({ jwks: jwksOf(key), issuer: ISSUER, audience: AUDIENCE, replay });
});

afterAll(() => database.close());

describe("internal assertion", () => {
  it("accepts a fresh assertion bound to the body and returns its claims", async () => {
    const body = '{"a":1}';
    const token = await signAssertion(key, { body, sub: "usr_1", roles: ["ADMIN"] });
    const claims = await verify(token, received(body));
    expect(claims).toMatchObject({ sub: "usr_1", roles: ["ADMIN"], rid: "req-test", iss: ISSUER });
  });

  it("refuses a missing assertion", async () => {
    expect(await reason(verify(undefined, received()))).toBe("assertion_missing");
  });

  it("refuses a replayed assertion", async () => {
    const token = await signAssertion(key);
    await verify(token, received());
    expect(await reason(verify(token, received()))).toBe("assertion_replayed");
  });

  it("refuses a body other than the one signed", async () => {
    const token = await signAssertion(key, { body: '{"roles":["USER"]}' });
    expect(await reason(verify(token, received('{"roles":["SUPER_ADMIN"]}')))).toBe(
      "assertion_body_mismatch",
    );
  });

  it("refuses an expired assertion", async () => {
    const token = await signAssertion(key, { iatOffset: -200, lifetime: 60 });
    expect(await reason(verify(token, received()))).toBe("assertion_expired");
  });

  it("accepts an assertion at the end of its lifetime, within the clock tolerance", async () => {
    const token = await signAssertion(key, { iatOffset: -63, lifetime: 60 });
    expect(await reason(verify(token, received()))).toBe("accepted");
  });

  it("keeps a used id until its assertion could no longer verify, so a purge cannot reopen a replay", async () => {
    const replay = new ReplayStore(database.db);
    const at = new Date();
    const verifyAt = createAssertionVerifier({
      jwks: jwksOf(key),
      issuer: ISSUER,
      audience: AUDIENCE,
      replay,
      now: () => at,
    });
    const token = await signAssertion(key, { lifetime: 60 });
    await verifyAt(token, received());
    // exp is at + 60 s; with the 5 s tolerance the assertion verifies until at + 65 s.
    await replay.purgeExpired(new Date(at.getTime() + 64_000));
    expect(await reason(verifyAt(token, received()))).toBe("assertion_replayed");
  });

  it("judges expiry by the clock it is given", async () => {
    const later = new Date(Date.now() + 3_600_000);
    const replay = new ReplayStore(database.db);
    const verifyLater = createAssertionVerifier({
      jwks: jwksOf(key),
      issuer: ISSUER,
      audience: AUDIENCE,
      replay,
      now: () => later,
    });
    expect(await reason(verifyLater(await signAssertion(key), received()))).toBe("assertion_expired");
  });

  it("refuses a lifetime over 60 seconds", async () => {
    const token = await signAssertion(key, { lifetime: 3600 });
    expect(await reason(verify(token, received()))).toBe("assertion_invalid");
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
    expect(await reason(verify(token, received()))).toBe("assertion_invalid");
  });

  it("tells a signed assertion with malformed claims from a rejected one (the log says which)", async () => {
    const malformed = await signAssertion(key, { roles: ["GOD"] });
    await expect(verify(malformed, received())).rejects.toMatchObject({
      message: "assertion claims malformed",
    });
    const unsigned = await signAssertion(otherKey);
    await expect(verify(unsigned, received())).rejects.toMatchObject({ message: "assertion rejected" });
  });

  it("refuses a signature by a key not in the worker's set", async () => {
    const token = await signAssertion(otherKey);
    expect(await reason(verify(token, received()))).toBe("assertion_invalid");
  });

  it("refuses alg none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = new UnsecuredJWT({ sub: "x", roles: [], rid: "r", bh: "x".repeat(43), jti: randomUUID() })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .encode();
    expect(await reason(verify(token, received()))).toBe("assertion_invalid");
  });

  it("refuses a tampered payload", async () => {
    const token = await signAssertion(key, { sub: "usr_1" });
    const [h, p, s] = token.split(".") as [string, string, string];
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    payload.sub = "usr_admin";
    const forged = `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
    expect(await reason(verify(forged, received()))).toBe("assertion_invalid");
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
    expect(await reason(verify(token, received()))).toBe("assertion_invalid");
  });
});

describe("the request an assertion is bound to", () => {
  it.each([
    ["another method", received("", "GET")],
    ["another path", received("", "POST", "/internal/v1/wallet/sign-message")],
    ["a query added", received("", "POST", `${LOGIN_PATH}?x=1`)],
    ["a trailing slash", received("", "POST", `${LOGIN_PATH}/`)],
  ])("refuses %s than the one signed", async (_name, request) => {
    const token = await signAssertion(key);
    expect(await reason(verify(token, request))).toBe("assertion_request_mismatch");
  });

  it("refuses another query on the same path, and serves the one signed once", async () => {
    const target = "/internal/v1/users?x=1";
    const token = await signAssertion(key, { method: "GET", target });
    expect(await reason(verify(token, received("", "GET", "/internal/v1/users?x=2")))).toBe(
      "assertion_request_mismatch",
    );
    expect(await reason(verify(token, received("", "GET", "/internal/v1/users")))).toBe(
      "assertion_request_mismatch",
    );
    // The refused attempts did not use up the id: the genuine request still passes, once.
    expect(await reason(verify(token, received("", "GET", target)))).toBe("accepted");
    expect(await reason(verify(token, received("", "GET", target)))).toBe("assertion_replayed");
  });

  it.each([
    ["missing method", { omit: ["method"] }],
    ["missing target", { omit: ["target"] }],
  ])("refuses an assertion with a %s", async (_name, overrides) => {
    expect(await reason(verify(await signAssertion(key, overrides), received()))).toBe("assertion_invalid");
  });
});

describe("replay store (MongoDB)", () => {
  it("records an id once, across instances on the same database, and purges it after expiry", async () => {
    const first = new ReplayStore(database.db);
    const second = new ReplayStore(database.db);
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + 60_000);
    expect(await first.firstUse(id, expiresAt)).toBe(true);
    expect(await second.firstUse(id, expiresAt)).toBe(false);
    expect(await first.purgeExpired(new Date(expiresAt.getTime() - 1))).toBe(0);
    expect(await second.firstUse(id, expiresAt)).toBe(false);
    expect(await first.purgeExpired(new Date(expiresAt.getTime() + 1))).toBeGreaterThanOrEqual(1);
    expect(await second.firstUse(id, expiresAt)).toBe(true);
  });

  it("lets exactly one of many concurrent uses of an id through", async () => {
    const store = new ReplayStore(database.db);
    const id = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.firstUse(id, new Date(Date.now() + 60_000))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
