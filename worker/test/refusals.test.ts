import { newSigningKey } from "@tron-auth/shared/keys";
import { buildSiwtMessage, parseSiwtMessage, type SiwtMessage } from "@tron-auth/shared/siwt";
import { base64url, importJWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { bridgeJson } from "../src/bridge/calls.ts";
import {
  baseEnv,
  call,
  challenge,
  ctx,
  existingWallet,
  login,
  newWallet,
  sign,
  type TokenPair,
  type Wallet,
} from "./support/edge.ts";

let superAdmin: TokenPair;

beforeAll(async () => {
  superAdmin = await login(await existingWallet(ctx.superAdminPrivateKey));
});

const auditPage = z.object({
  events: z.array(
    z.object({
      actor: z.object({ address: z.string().optional() }),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
});

/** The precise reason the audit log holds for the latest failed login of `address`. */
async function auditedReason(address: string): Promise<unknown> {
  const page = await bridgeJson(
    baseEnv,
    { sub: superAdmin.user.id, roles: ["SUPER_ADMIN"], requestId: "test-audit-read" },
    {
      method: "GET",
      path: "/internal/v1/audit?type=login_failure&limit=200",
      schema: auditPage,
    },
  );
  return page.events.find((e) => e.actor.address === address)?.details.reason;
}

/** A challenge from the worker, then the message edited before signing: what a forger would try. */
async function forged(wallet: Wallet, edit: (m: SiwtMessage) => Partial<SiwtMessage>) {
  const { message } = await challenge(wallet.address);
  const parsed = parseSiwtMessage(message);
  const text = buildSiwtMessage({ ...parsed, ...edit(parsed) });
  return { message: text, signature: await sign(text, wallet) };
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

describe("login refusals: 401 login_failed for the client, the precise reason in the audit log", () => {
  const cases: [string, (m: SiwtMessage) => Partial<SiwtMessage>, string][] = [
    ["another domain", () => ({ domain: "evil.example" }), "siwt_domain_mismatch"],
    ["another URI", () => ({ uri: "https://evil.example/login" }), "siwt_uri_mismatch"],
    // A URI that only extends the configured one: compared for equality, never as a prefix.
    ["a URI extending the configured path", () => ({ uri: `${ctx.siwt.uri}/evil` }), "siwt_uri_mismatch"],
    ["a URI with a suffix appended", () => ({ uri: `${ctx.siwt.uri}.evil.com` }), "siwt_uri_mismatch"],
    ["another chain", () => ({ chainId: "tron:728126428" }), "siwt_chain_mismatch"],
    ["an expired message", () => ({ issuedAt: minutes(-10), expirationTime: minutes(-6) }), "siwt_expired"],
    [
      "a message from the future",
      () => ({ issuedAt: minutes(3), expirationTime: minutes(6) }),
      "siwt_not_yet_valid",
    ],
    ["an unknown nonce", () => ({ nonce: "1111111111111111111111111" }), "nonce_invalid"],
  ];
  for (const [name, edit, reason] of cases) {
    it(`refuses ${name}`, async () => {
      const wallet = await newWallet();
      const res = await call("/v1/auth/login", { body: await forged(wallet, edit) });
      expect([res.status, res.body.code]).toEqual([401, "login_failed"]);
      expect(res.body.detail).toBe("The sign-in could not be verified.");
      await expect.poll(() => auditedReason(wallet.address), { timeout: 10_000 }).toBe(reason);
    });
  }

  it("refuses a reused nonce: the same signed message works once", async () => {
    const wallet = await newWallet();
    const { message } = await challenge(wallet.address);
    const body = { message, signature: await sign(message, wallet) };
    expect((await call("/v1/auth/login", { body })).status).toBe(200);
    const again = await call("/v1/auth/login", { body });
    expect([again.status, again.body.code]).toEqual([401, "login_failed"]);
    await expect.poll(() => auditedReason(wallet.address), { timeout: 10_000 }).toBe("nonce_invalid");
  });

  it("lets exactly one of two concurrent logins with the same message through", async () => {
    const wallet = await newWallet();
    const { message } = await challenge(wallet.address);
    const body = { message, signature: await sign(message, wallet) };
    const results = await Promise.all([call("/v1/auth/login", { body }), call("/v1/auth/login", { body })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("refuses a nonce issued for another address", async () => {
    const [alice, mallory] = [await newWallet(), await newWallet()];
    const { nonce } = await challenge(alice.address);
    const stolen = await forged(mallory, () => ({ nonce }));
    const res = await call("/v1/auth/login", { body: stolen });
    expect(res.status).toBe(401);
    await expect.poll(() => auditedReason(mallory.address), { timeout: 10_000 }).toBe("nonce_invalid");
  });

  it("refuses another key's signature and a malformed one (reasons recorded by the bridge)", async () => {
    const [alice, bob] = [await newWallet(), await newWallet()];
    const { message } = await challenge(alice.address);
    const res = await call("/v1/auth/login", { body: { message, signature: await sign(message, bob) } });
    expect([res.status, res.body.code]).toEqual([401, "login_failed"]);
    await expect.poll(() => auditedReason(alice.address), { timeout: 10_000 }).toBe("signature_mismatch");
    const carol = await newWallet();
    const second = await challenge(carol.address);
    const bad = await call("/v1/auth/login", {
      body: { message: second.message, signature: `0x${"ab".repeat(65)}` },
    });
    expect(bad.status).toBe(401);
    await expect.poll(() => auditedReason(carol.address), { timeout: 10_000 }).toBe("signature_malformed");
  });

  it("answers 503 bridge_unavailable with Retry-After when the bridge is down", async () => {
    const wallet = await newWallet();
    const { message } = await challenge(wallet.address);
    const res = await call("/v1/auth/login", {
      body: { message, signature: await sign(message, wallet) },
      env: { BRIDGE: baseEnv.BRIDGE_DOWN },
    });
    expect([res.status, res.body.code]).toEqual([503, "bridge_unavailable"]);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(JSON.stringify(res.body)).not.toMatch(/stack|at \w+ \(/);
  });
});

describe("access token refusals on a protected route", () => {
  let pair: TokenPair;
  let claims: Record<string, unknown>;
  let keyA: CryptoKey;
  let kidA: string;

  beforeAll(async () => {
    // A bearer session: these cases forge tokens from its claims (dpop.test.ts covers bound ones).
    pair = await login(await newWallet(), { dpop: false });
    const payload = pair.accessToken.split(".")[1] ?? "";
    claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const jwk = (JSON.parse(ctx.jwt.ringA) as { keys: (JsonWebKey & { kid: string })[] }).keys[0];
    if (!jwk) throw new Error("no key A");
    kidA = jwk.kid;
    keyA = (await importJWK({ ...jwk, alg: "EdDSA" }, "EdDSA")) as CryptoKey;
  });

  const me = (token: string) => call("/v1/me", { token });
  const forge = (over: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, ...over })
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: kidA, ...header })
      .sign(keyA);

  it("accepts the genuine token (the control case)", async () => {
    expect((await me(pair.accessToken)).status).toBe(200);
    expect((await me(await forge({}))).status).toBe(200);
  });

  it("refuses a missing or malformed Authorization header with 401 and WWW-Authenticate", async () => {
    const none = await call("/v1/me");
    expect([none.status, none.body.code]).toEqual([401, "unauthorized"]);
    // A request that sent no credential is offered both schemes.
    expect(none.headers.get("www-authenticate")).toBe(
      'Bearer realm="tron-auth", DPoP realm="tron-auth", algs="ES256 EdDSA"',
    );
    const bad = await me("a.b.c");
    expect(bad.headers.get("www-authenticate")).toBe('Bearer realm="tron-auth", error="invalid_token"');
    expect((await call("/v1/me", { headers: { authorization: `Basic ${pair.accessToken}` } })).status).toBe(
      401,
    );
  });

  it("refuses alg none", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", kid: kidA }));
    const body = pair.accessToken.split(".")[1];
    const res = await me(`${header}.${body}.`);
    expect(res.status).toBe(401);
    const res2 = await me(`${header}.${body}.AAAA`);
    expect([res2.status, res2.body.code]).toEqual([401, "invalid_token"]);
  });

  it("refuses HS256 signed with the public key as the HMAC secret", async () => {
    const jwks = await call<{ keys: { kid: string; x: string }[] }>("/.well-known/jwks.json");
    const pub = jwks.body.keys.find((k) => k.kid === kidA);
    for (const secret of [JSON.stringify(pub), pub?.x ?? ""]) {
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: kidA })
        .sign(new TextEncoder().encode(secret));
      expect((await me(token)).body.code).toBe("invalid_token");
    }
  });

  it("refuses a wrong issuer, a wrong audience and a wrong typ", async () => {
    expect((await me(await forge({ iss: "someone-else" }))).body.code).toBe("invalid_token");
    expect((await me(await forge({ aud: "another-api" }))).body.code).toBe("invalid_token");
    expect((await me(await forge({}, { typ: "bridge+jwt" }))).body.code).toBe("invalid_token");
    // The internal assertion's audience is not an access token's either.
    expect((await me(await forge({ aud: "tron-auth-bridge" }))).body.code).toBe("invalid_token");
  });

  it("refuses an expired token with token_expired, and one not yet valid", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await me(await forge({ iat: past, exp: past + 900 }));
    expect([expired.status, expired.body.code]).toEqual([401, "token_expired"]);
    const future = Math.floor(Date.now() / 1000) + 600;
    expect((await me(await forge({ nbf: future }))).status).toBe(401);
  });

  it("refuses an unknown kid and a key outside the set", async () => {
    expect((await me(await forge({}, { kid: "nobody" }))).body.code).toBe("invalid_token");
    const outside = await importJWK(await newSigningKey(kidA), "EdDSA");
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: kidA })
      .sign(outside);
    expect((await me(foreign)).body.code).toBe("invalid_token");
  });

  it("refuses a tampered payload (roles raised, signature kept)", async () => {
    const [h, , s] = pair.accessToken.split(".");
    const raised = base64url.encode(JSON.stringify({ ...claims, roles: ["SUPER_ADMIN"] }));
    expect((await me(`${h}.${raised}.${s}`)).body.code).toBe("invalid_token");
  });

  it("refuses a validly signed token whose session does not exist", async () => {
    const res = await me(await forge({ sid: "AAAAAAAAAAAAAAAAAAAAAA" }));
    expect([res.status, res.body.code]).toEqual([401, "session_revoked"]);
    const other = await me(await forge({ sub: "usr_someone_else" }));
    expect(other.body.code).toBe("session_revoked");
  });
});
