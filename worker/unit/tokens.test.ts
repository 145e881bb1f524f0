import { newSigningKey, type PrivateSigningJwk, SIGNING_ALG } from "@tron-auth/shared/keys";
import { AppError } from "@tron-auth/shared/problems";
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { issueAccessToken, verifyAccessToken } from "../src/tokens/access-token.ts";
import { type KeyRing, keyRingFrom } from "../src/tokens/keys.ts";
import {
  formatRefreshToken,
  hashSecret,
  newRefreshToken,
  newSessionId,
  parseRefreshToken,
  SESSION_ID_PATTERN,
} from "../src/tokens/refresh-token.ts";
import { signJwt } from "../src/tokens/sign.ts";
import { verifyAccessTokenCached } from "../src/tokens/verified-cache.ts";

const SETTINGS = { issuer: "https://auth.example", audience: "tron-api", ttlSeconds: 900 };
const SUBJECT = {
  sub: "user-1",
  addr: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8",
  roles: ["USER"],
  sid: "s".repeat(22),
};
const NOW = new Date("2030-01-01T00:00:00Z");
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const later = (s: number) => new Date(NOW.getTime() + s * 1000);

/** The problem code an AppError carries, or what was thrown when it is not one. */
async function codeOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return "resolved";
  } catch (error) {
    return error instanceof AppError ? error.problem.code : error;
  }
}

let first: PrivateSigningJwk;
let second: PrivateSigningJwk;
let ring: KeyRing;

beforeAll(async () => {
  first = await newSigningKey("k1");
  second = await newSigningKey("k2");
  ring = await keyRingFrom(JSON.stringify({ keys: [first, second] }));
});

describe("the signing key ring (JWT_SIGNING_KEYS)", () => {
  it("signs with the first key and publishes every key's public half only", async () => {
    expect(ring.signing.kid).toBe("k1");
    expect(ring.publicJwks.keys.map((k) => k.kid)).toEqual(["k1", "k2"]);
    for (const jwk of ring.publicJwks.keys) expect(jwk).not.toHaveProperty("d");
    const token = await signJwt(ring, { typ: "x", claims: {}, issuer: "i", audience: "a" });
    expect(decodeProtectedHeader(token)).toEqual({ alg: SIGNING_ALG, typ: "x", kid: "k1" });
  });

  it("accepts a bare array of keys as well as a set", async () => {
    const bare = await keyRingFrom(JSON.stringify([second, first]));
    expect(bare.signing.kid).toBe("k2");
    expect(bare.publicJwks.keys.map((k) => k.kid)).toEqual(["k2", "k1"]);
  });

  it("verifies tokens of a key that only verifies (a rotation keeps the old key)", async () => {
    const rotated = await keyRingFrom(JSON.stringify([second, first]));
    const token = await issueAccessToken(rotated, SUBJECT, SETTINGS, NOW);
    await expect(verifyAccessToken(ring, token, SETTINGS, NOW)).resolves.toMatchObject({ sub: "user-1" });
  });

  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["not JSON", "{keys:"],
    ["an empty set", JSON.stringify({ keys: [] })],
    ["a key without kid", "WITHOUT_KID"],
    ["a kid too long", "LONG_KID"],
    ["a P-256 key", "EC"],
    ["a public key only", "PUBLIC"],
    ["nine keys", "NINE"],
  ])("refuses %s as a 503 that names the setting, never the value", async (_, input) => {
    const variants: Record<string, () => string> = {
      WITHOUT_KID: () => JSON.stringify([{ ...first, kid: undefined }]),
      LONG_KID: () => JSON.stringify([{ ...first, kid: "k".repeat(65) }]),
      EC: () => JSON.stringify([{ ...first, crv: "P-256" }]),
      PUBLIC: () => JSON.stringify([{ ...first, d: undefined }]),
      NINE: () => JSON.stringify(Array.from({ length: 9 }, (_, i) => ({ ...first, kid: `k${i}` }))),
    };
    const secret = input !== undefined && input in variants ? variants[input]?.() : input;
    const error = await keyRingFrom(secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).problem.code).toBe("service_unavailable");
    expect((error as AppError).message).toContain("JWT_SIGNING_KEYS");
    expect((error as AppError).message).not.toContain(first.d);
  });

  it("accepts up to eight keys", async () => {
    const eight = Array.from({ length: 8 }, (_, i) => ({ ...first, kid: `k${i}` }));
    expect((await keyRingFrom(JSON.stringify(eight))).publicJwks.keys).toHaveLength(8);
  });
});

describe("signJwt", () => {
  it("sets iat from the clock, exp from the ttl, and a fresh jti unless one is given", async () => {
    const spec = {
      typ: "t",
      claims: { a: 1 },
      issuer: "i",
      audience: "a",
      subject: "s",
      ttlSeconds: 60,
      now: NOW,
    };
    const one = decodeJwt(await signJwt(ring, spec));
    const two = decodeJwt(await signJwt(ring, spec));
    expect(one).toMatchObject({
      a: 1,
      iss: "i",
      aud: "a",
      sub: "s",
      iat: seconds(NOW),
      exp: seconds(NOW) + 60,
    });
    expect(one.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.jti).not.toBe(two.jti);
    expect(decodeJwt(await signJwt(ring, { ...spec, jti: "event-1" })).jti).toBe("event-1");
  });

  it("leaves out sub and exp when the spec has none (audit events outlive credentials)", async () => {
    const claims = decodeJwt(await signJwt(ring, { typ: "t", claims: {}, issuer: "i", audience: "a" }));
    expect(claims).not.toHaveProperty("sub");
    expect(claims).not.toHaveProperty("exp");
    expect(Math.abs((claims.iat ?? 0) - Date.now() / 1000)).toBeLessThan(60);
  });
});

describe("access tokens", () => {
  it("round-trip their claims", async () => {
    const token = await issueAccessToken(ring, SUBJECT, SETTINGS, NOW);
    expect(decodeProtectedHeader(token).typ).toBe("at+jwt");
    expect(await verifyAccessToken(ring, token, SETTINGS, NOW)).toMatchObject({
      iss: SETTINGS.issuer,
      aud: SETTINGS.audience,
      sub: SUBJECT.sub,
      addr: SUBJECT.addr,
      roles: ["USER"],
      sid: SUBJECT.sid,
      iat: seconds(NOW),
      exp: seconds(NOW) + 900,
    });
  });

  it("carry a DPoP key binding (cnf.jkt) when the session has one, and never an empty one", async () => {
    const jkt = "K".repeat(43);
    const bound = await issueAccessToken(ring, { ...SUBJECT, jkt }, SETTINGS, NOW);
    expect(decodeJwt(bound).cnf).toEqual({ jkt });
    expect(await verifyAccessToken(ring, bound, SETTINGS, NOW)).toMatchObject({ cnf: { jkt } });
    const bearer = await issueAccessToken(ring, { ...SUBJECT, jkt: undefined }, SETTINGS, NOW);
    expect(decodeJwt(bearer)).not.toHaveProperty("cnf");
    const malformed = await signJwt(ring, {
      typ: "at+jwt",
      claims: { addr: SUBJECT.addr, roles: ["USER"], sid: SUBJECT.sid, cnf: { jkt: "short" } },
      ...SETTINGS,
      subject: "user-1",
      now: NOW,
    });
    expect(await codeOf(verifyAccessToken(ring, malformed, SETTINGS, NOW))).toBe("invalid_token");
    const empty = await signJwt(ring, {
      typ: "at+jwt",
      claims: { addr: SUBJECT.addr, roles: ["USER"], sid: SUBJECT.sid, cnf: {} },
      ...SETTINGS,
      subject: "user-1",
      now: NOW,
    });
    expect(await codeOf(verifyAccessToken(ring, empty, SETTINGS, NOW))).toBe("invalid_token");
  });

  it("are accepted up to five seconds past exp, then reported as expired (not invalid)", async () => {
    const token = await issueAccessToken(ring, SUBJECT, SETTINGS, NOW);
    await expect(verifyAccessToken(ring, token, SETTINGS, later(904))).resolves.toBeDefined();
    expect(await codeOf(verifyAccessToken(ring, token, SETTINGS, later(906)))).toBe("token_expired");
    const expired = await verifyAccessToken(ring, token, SETTINGS, later(906)).catch((e: AppError) => e);
    expect(expired).toMatchObject({ message: "The access token has expired." });
    const invalid = await verifyAccessToken(ring, "x", SETTINGS, NOW).catch((e: AppError) => e);
    expect(invalid).toMatchObject({ message: "The access token is not valid." });
  });

  it("are refused for another issuer or audience, or when signed by a key outside the ring", async () => {
    const token = await issueAccessToken(ring, SUBJECT, SETTINGS, NOW);
    expect(await codeOf(verifyAccessToken(ring, token, { ...SETTINGS, issuer: "x" }, NOW))).toBe(
      "invalid_token",
    );
    expect(await codeOf(verifyAccessToken(ring, token, { ...SETTINGS, audience: "x" }, NOW))).toBe(
      "invalid_token",
    );
    const stranger = await keyRingFrom(JSON.stringify([await newSigningKey("k1")]));
    const forged = await issueAccessToken(stranger, SUBJECT, SETTINGS, NOW);
    expect(await codeOf(verifyAccessToken(ring, forged, SETTINGS, NOW))).toBe("invalid_token");
    expect(await codeOf(verifyAccessToken(ring, "not.a.jwt", SETTINGS, NOW))).toBe("invalid_token");
  });

  it("are refused with another typ: an assertion or audit JWT is not an access token", async () => {
    const spec = { claims: { addr: SUBJECT.addr, roles: ["USER"], sid: SUBJECT.sid }, ...SETTINGS, now: NOW };
    const other = await signJwt(ring, { ...spec, typ: "JWT", subject: "user-1" });
    expect(await codeOf(verifyAccessToken(ring, other, SETTINGS, NOW))).toBe("invalid_token");
  });

  it.each([
    ["no sid", { sid: undefined }],
    ["a short sid", { sid: "s".repeat(15) }],
    ["no roles", { roles: [] }],
    ["an unknown role", { roles: ["ROOT"] }],
    ["five roles", { roles: ["USER", "USER", "USER", "USER", "USER"] }],
    ["an empty addr", { addr: "" }],
    ["a long addr", { addr: "T".repeat(65) }],
  ])("are refused with %s", async (_, claims) => {
    const token = await signJwt(ring, {
      typ: "at+jwt",
      claims: { addr: SUBJECT.addr, roles: ["USER"], sid: SUBJECT.sid, ...claims },
      ...SETTINGS,
      subject: "user-1",
      now: NOW,
    });
    expect(await codeOf(verifyAccessToken(ring, token, SETTINGS, NOW))).toBe("invalid_token");
  });

  it("are refused without jti or iat, and with another algorithm", async () => {
    const key = ring.signing.key;
    const base = new SignJWT({ addr: SUBJECT.addr, roles: ["USER"], sid: SUBJECT.sid })
      .setProtectedHeader({ alg: SIGNING_ALG, typ: "at+jwt", kid: "k1" })
      .setIssuer(SETTINGS.issuer)
      .setAudience(SETTINGS.audience)
      .setSubject("user-1")
      .setExpirationTime(seconds(NOW) + 60);
    const noJti = await base.setIssuedAt(seconds(NOW)).sign(key);
    expect(await codeOf(verifyAccessToken(ring, noJti, SETTINGS, NOW))).toBe("invalid_token");
    const token = await issueAccessToken(ring, SUBJECT, SETTINGS, NOW);
    const [, payload, signature] = token.split(".");
    const none = `${base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${payload}.${signature}`;
    expect(await codeOf(verifyAccessToken(ring, none, SETTINGS, NOW))).toBe("invalid_token");
  });
});

describe("the verified-token cache", () => {
  it("serves a token it verified, until the token expires", async () => {
    const cacheRing = await keyRingFrom(JSON.stringify([first]));
    const token = await issueAccessToken(cacheRing, SUBJECT, SETTINGS, NOW);
    const claims = await verifyAccessTokenCached(cacheRing, token, SETTINGS, NOW);
    expect(await verifyAccessTokenCached(cacheRing, token, SETTINGS, later(10))).toBe(claims);
    expect(await codeOf(verifyAccessTokenCached(cacheRing, token, SETTINGS, later(906)))).toBe(
      "token_expired",
    );
  });

  it("does not serve a token verified for another issuer or audience", async () => {
    const cacheRing = await keyRingFrom(JSON.stringify([first]));
    const token = await issueAccessToken(cacheRing, SUBJECT, SETTINGS, NOW);
    await verifyAccessTokenCached(cacheRing, token, SETTINGS, NOW);
    const otherAudience = verifyAccessTokenCached(cacheRing, token, { ...SETTINGS, audience: "x" }, NOW);
    expect(await codeOf(otherAudience)).toBe("invalid_token");
    const otherIssuer = verifyAccessTokenCached(cacheRing, token, { ...SETTINGS, issuer: "x" }, NOW);
    expect(await codeOf(otherIssuer)).toBe("invalid_token");
  });

  it("forgets every token when the ring changes (a key removed)", async () => {
    const token = await issueAccessToken(ring, SUBJECT, SETTINGS, NOW);
    await verifyAccessTokenCached(ring, token, SETTINGS, NOW);
    const withoutIt = await keyRingFrom(JSON.stringify([second]));
    expect(await codeOf(verifyAccessTokenCached(withoutIt, token, SETTINGS, NOW))).toBe("invalid_token");
  });

  it("stays bounded: the oldest entry goes first, and is verified again when it returns", async () => {
    const cacheRing = await keyRingFrom(JSON.stringify([first]));
    const tokens = await Promise.all(
      Array.from({ length: 5_001 }, (_, i) =>
        issueAccessToken(cacheRing, { ...SUBJECT, sub: `u${i}` }, SETTINGS, NOW),
      ),
    );
    const claims: unknown[] = [];
    for (const token of tokens) claims.push(await verifyAccessTokenCached(cacheRing, token, SETTINGS, NOW));
    const [oldest, next] = tokens;
    if (!oldest || !next) throw new Error("no tokens");
    expect(await verifyAccessTokenCached(cacheRing, next, SETTINGS, NOW)).toBe(claims[1]);
    const again = await verifyAccessTokenCached(cacheRing, oldest, SETTINGS, NOW);
    expect(again).toEqual(claims[0]);
    expect(again).not.toBe(claims[0]);
  });
});

describe("refresh tokens", () => {
  it("are <22-char session id>.<43-char secret>, and parse back", () => {
    const sid = newSessionId();
    expect(sid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const token = newRefreshToken(sid);
    expect(token.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken(sid).secret).not.toBe(token.secret);
    expect(newSessionId()).not.toBe(sid);
    const text = formatRefreshToken(token);
    expect(text).toBe(`${sid}.${token.secret}`);
    expect(parseRefreshToken(text)).toEqual(token);
  });

  it.each([
    ["empty", ""],
    ["no dot", "a".repeat(66)],
    ["the dot misplaced", `${"a".repeat(21)}.${"b".repeat(44)}`],
    ["an extra part", `${"a".repeat(22)}.${"b".repeat(21)}.${"c".repeat(21)}`],
    ["a character outside base64url", `${"a".repeat(21)}+.${"b".repeat(43)}`],
    ["a padded secret", `${"a".repeat(22)}.${"b".repeat(42)}=`],
    ["one character too many", `${"a".repeat(22)}.${"b".repeat(44)}`],
    ["one character too few", `${"a".repeat(22)}.${"b".repeat(42)}`],
    ["an empty session id", `.${"b".repeat(65)}`],
    ["an empty secret", `${"a".repeat(65)}.`],
    ["a character in front", `=${"a".repeat(22)}.${"b".repeat(43)}`],
  ])("refuse %s", (_, value) => {
    expect(parseRefreshToken(value)).toBeUndefined();
  });

  it("name sessions by exactly 22 base64url characters (the routes' session id pattern)", () => {
    expect(SESSION_ID_PATTERN.test("a".repeat(22))).toBe(true);
    expect(SESSION_ID_PATTERN.test(`/${"a".repeat(22)}`)).toBe(false);
    expect(SESSION_ID_PATTERN.test(`${"a".repeat(22)}/`)).toBe(false);
  });

  it("are stored as the base64url SHA-256 of the secret", async () => {
    expect(await hashSecret("abc")).toBe("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  });
});
