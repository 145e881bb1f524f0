import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorWithRole, call, challenge, ctx, superAdmin, type TokenPair } from "./support/edge.ts";
import { rewriteSessionAsWorker, sidOf } from "./support/redis.ts";

const TEST_ADDRESS = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH";
type Signed = {
  txID: string;
  signature: string;
  signedTransaction: { raw_data_hex: string; signature: string[] };
};

const node = async <T>(path: string, body: unknown): Promise<T> =>
  (await fetch(`${ctx.walletUrl}${path}`, { method: "POST", body: JSON.stringify(body) })).json<T>();
const steer = (action: string) => fetch(`${ctx.bridgeControlUrl}/device/${action}`, { method: "POST" });
const exchangeCount = async () =>
  (await (await fetch(`${ctx.bridgeControlUrl}/device`)).json<{ exchangeCount: number }>()).exchangeCount;
const transfer = (amountSun: number, memoBytes?: number) =>
  node<{ rawDataHex: string }>("/build/transfer", { amountSun, ...(memoBytes ? { memoBytes } : {}) }).then(
    (r) => r.rawDataHex,
  );

let admin: TokenPair;
/** Every signing request names itself; a fresh key each time. */
const keyed = () => ({ "Idempotency-Key": crypto.randomUUID() });
const signTx = (body: unknown, token = admin.accessToken) =>
  call<Signed>("/v1/wallet/sign-transaction", { token, body, headers: keyed() });
const signMsg = (message: string, token = admin.accessToken) =>
  call<{ address: string; signature: string; signedMessage: string; reason?: string }>(
    "/v1/wallet/sign-message",
    { token, body: { message }, headers: keyed() },
  );
const useDevice = (device: string) => fetch(`${ctx.bridgeControlUrl}/use/${device}`, { method: "POST" });
const walletInfo = async () =>
  (await call<{ status: string }>("/v1/wallet", { token: admin.accessToken })).body;

beforeAll(async () => {
  admin = (await actorWithRole("ADMIN")).pair;
});

describe.each(ctx.softwareDevices)("wallet signing end to end: workerd -> mTLS -> bridge -> $device", (d) => {
  /** Something the device signs, whatever it is: a message where it can, else a transfer. */
  const signSomething = async (token = admin.accessToken) =>
    d.signsMessages ? signMsg("something", token) : signTx({ rawDataHex: await transfer(1) }, token);

  beforeAll(async () => {
    expect((await useDevice(d.device)).status).toBe(204);
    // connect finds a Trezor a moment after start; a Ledger answers at once.
    for (let i = 0; i < 150 && (await walletInfo()).status !== "ready"; i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  // The other test files expect the default device.
  afterAll(async () => {
    await useDevice("software-ledger");
  });

  it("reports the device to NODE_OPERATOR and up", async () => {
    const op = (await actorWithRole("NODE_OPERATOR")).pair;
    const res = await call("/v1/wallet", { token: op.accessToken });
    expect(res.body).toEqual({
      status: "ready",
      driver: d.device,
      appVersion: d.appVersion,
      address: TEST_ADDRESS,
      pending: 0,
    });
  });

  it("signs a transaction (as rawDataHex and as a transaction object) that tronweb verifies to the device", async () => {
    const raw = await transfer(1_000);
    const res = await signTx({ rawDataHex: raw });
    expect(res.status).toBe(200);
    expect((await node<{ address: string }>("/verify/transaction", res.body)).address).toBe(TEST_ADDRESS);
    const again = await signTx({ transaction: { raw_data_hex: raw, txID: res.body.txID } });
    expect(again.body.txID).toBe(res.body.txID);
    const wrongId = await signTx({ transaction: { raw_data_hex: raw, txID: "00".repeat(32) } });
    expect([wrongId.status, wrongId.body.code]).toEqual([400, "validation_failed"]);
  });

  it("signs a transaction over 250 bytes", async () => {
    const raw = await transfer(2, 200);
    expect(raw.length / 2).toBeGreaterThan(250);
    const res = await signTx({ rawDataHex: raw });
    expect(res.status).toBe(200);
    expect((await node<{ address: string }>("/verify/transaction", res.body)).address).toBe(TEST_ADDRESS);
  });

  if (d.signsMessages)
    it("signs a message that tronweb verifyMessageV2 recovers to the device address", async () => {
      const res = await signMsg("Rotate node key for sr-07");
      expect(res.body.address).toBe(TEST_ADDRESS);
      expect(res.body.signedMessage).toMatch(
        /^tron-auth signed message v1\n[\s\S]*\n\nRotate node key for sr-07$/,
      );
      const verified = await node<{ address: string }>("/verify/message", {
        message: res.body.signedMessage,
        signature: res.body.signature,
      });
      expect(verified.address).toBe(TEST_ADDRESS);
    });

  it("refuses to sign this service's own sign-in challenge for the device's address", async () => {
    const { message } = await challenge(TEST_ADDRESS);
    const before = await exchangeCount();
    const res = await signMsg(message);
    expect([res.status, res.body.code, res.body.reason]).toEqual([
      403,
      "signing_policy_denied",
      "sign_in_message",
    ]);
    expect(await exchangeCount()).toBe(before);
  });

  if (!d.signsMessages)
    it("refuses message signing as 422 unsupported_by_device", async () => {
      const before = await exchangeCount();
      const res = await signMsg("Rotate node key for sr-07");
      expect([res.status, res.body.code]).toEqual([422, "unsupported_by_device"]);
      expect(await exchangeCount()).toBe(before);
    });

  it("serializes two concurrent sign requests", async () => {
    const [a, b] = await Promise.all([signTx({ rawDataHex: await transfer(3, 200) }), signSomething()]);
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  const failures: [string, readonly string[]][] = [
    ["rejectNext", ["wallet_rejected"]],
    ["lock", ["wallet_locked"]],
    ["closeApp", ["wallet_app_not_open"]],
    ["disconnect", d.unpluggedMidSignature],
  ];
  const statusOf: Record<string, number> = {
    wallet_rejected: 409,
    wallet_locked: 423,
    wallet_app_not_open: 409,
    wallet_disconnected: 503,
    wallet_timeout: 504,
  };
  for (const [action, codes] of failures) {
    it(`gives ${codes.join(" or ")} (${action}); the next request succeeds after the device is back`, async () => {
      await steer(action);
      const res = await signTx({ rawDataHex: await transfer(4, 200) });
      expect(codes).toContain(res.body.code);
      expect(res.status).toBe(statusOf[String(res.body.code)]);
      await steer("openApp");
      await steer("reattach");
      // Back without a restart, within a bound (a Trezor once connect has seen it again).
      await expect
        .poll(async () => (await signTx({ rawDataHex: await transfer(4) })).status, {
          timeout: 20_000,
          interval: 1_000,
        })
        .toBe(200);
    });
  }

  it("refuses USER and NODE_OPERATOR", async () => {
    for (const role of ["USER", "NODE_OPERATOR"] as const) {
      const pair = (await actorWithRole(role)).pair;
      const res = await signMsg("nope", pair.accessToken);
      expect([res.status, res.body.code]).toEqual([403, "forbidden"]);
    }
  });

  it("needs a sign-in from the last 10 minutes (401 reauth_required)", async () => {
    const stale = (await actorWithRole("ADMIN")).pair;
    await rewriteSessionAsWorker(sidOf(stale.refreshToken), { loginAt: String(Date.now() - 11 * 60_000) });
    const res = await signMsg("old session", stale.accessToken);
    expect([res.status, res.body.code]).toEqual([401, "reauth_required"]);
  });

  it("refuses policy denials and the lockdown freeze before the device is touched", async () => {
    const before = await exchangeCount();
    const over = await signTx({ rawDataHex: await transfer(2_000_000_000) });
    expect([over.status, over.body.code]).toEqual([403, "signing_policy_denied"]);
    const sa = await superAdmin();
    expect(
      (await call("/v1/admin/lockdown", { token: sa.accessToken, body: { signing: true } })).status,
    ).toBe(200);
    try {
      const frozen = await signMsg("during lockdown");
      expect([frozen.status, frozen.body.code]).toEqual([423, "signing_frozen"]);
    } finally {
      await call("/v1/admin/lockdown", { method: "DELETE", token: sa.accessToken });
    }
    expect(await exchangeCount()).toBe(before);
    expect((await signSomething()).status).toBe(200);
  });

  it("refuses when the freeze cannot be read (503) or its record is malformed (423); the bridge is never asked", async () => {
    // Another Redis database, which the bridge does not read: a worker that failed open here would
    // have the bridge sign (200), not refuse.
    const env = { UPSTASH_REDIS_REST_URL: ctx.isolatedUpstashUrl };
    const redis = (args: string[]) =>
      fetch(ctx.isolatedUpstashUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${ctx.upstashToken}` },
        body: JSON.stringify(args),
      });
    const sa = await superAdmin({ env });
    const sign = () =>
      call("/v1/wallet/sign-message", {
        token: sa.accessToken,
        body: { message: "m" },
        env,
        headers: keyed(),
      });
    const before = await exchangeCount();
    try {
      await redis(["SET", "ta:lockdown", "not a hash"]); // every HGETALL now fails (WRONGTYPE)
      const unreadable = await sign();
      expect([unreadable.status, unreadable.body.code]).toEqual([503, "service_unavailable"]);
      await redis(["DEL", "ta:lockdown"]);
      await redis(["HSET", "ta:lockdown", "signing", "0"]); // written by someone else, half a record
      const malformed = await sign();
      expect([malformed.status, malformed.body.code]).toEqual([423, "signing_frozen"]);
    } finally {
      await redis(["DEL", "ta:lockdown"]);
    }
    expect(await exchangeCount()).toBe(before);
    // Readable again: the bridge is asked (a Trezor then answers that it signs no messages).
    expect((await sign()).status).toBe(d.signsMessages ? 200 : 422);
  });
});
