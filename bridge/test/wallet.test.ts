import { createHash } from "node:crypto";
import { utils } from "tronweb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOFTWARE_DEVICES } from "./support/devices.ts";
import { recoverSigner, TEST_ADDRESS, transferHex, triggerHex, USDT } from "./support/transactions.ts";
import { newWallet } from "./support/wallet.ts";
import { startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

const txIdOf = (hex: string) => createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex");
/** A call to an allowlisted contract (deposit()): both devices can sign it (Trezor needs call data). */
const usdtCall = () => triggerHex({ contract: USDT, data: "d0e30db0" });

describe.each(SOFTWARE_DEVICES)("wallet through the bridge on the $device (real client library)", (d) => {
  const operator = newWallet();
  let w: WalletBridge;
  let t: WalletBridge["t"];
  let signer: WalletBridge["signer"];

  beforeAll(async () => {
    w = await startWalletBridge({
      WALLET_DEVICE: d.device,
      WALLET_ALLOWED_CONTRACTS: USDT,
      WALLET_MAX_PER_TRANSACTION_SUN: "5000000",
      WALLET_MAX_PER_DAY_SUN: "8000000",
      WALLET_CONFIRM_TIMEOUT_SECONDS: d.confirmTimeoutSeconds,
    });
    ({ t, signer } = w);
  });
  afterAll(() => w.t.stop());

  const device = () => w.device();
  const signTx = (rawDataHex: string, as = signer) => w.signTx(rawDataHex, { as });
  const signMsg = (message: string, as = signer) => w.signMsg(message, { as });
  /** A call that reaches the device and asks for a confirmation, on either device. */
  const confirmOnDevice = () => signTx(transferHex({ amountSun: 1, memoBytes: 200 }));

  it("reports the device's state, app version and address", async () => {
    const res = await t.call("/internal/v1/wallet", { assertion: signer });
    expect(res.body).toEqual({
      status: "ready",
      driver: d.device,
      appVersion: d.appVersion,
      address: TEST_ADDRESS,
      pending: 0,
    });
  });

  it("signs a transfer: the signature recovers to the device address and the txID is sha256(raw_data)", async () => {
    const raw = transferHex({ amountSun: 1_000_000 });
    const res = await signTx(raw);
    expect(res.status).toBe(200);
    expect(res.body.txID).toBe(txIdOf(raw));
    expect(recoverSigner(String(res.body.txID), String(res.body.signature))).toBe(TEST_ADDRESS);
    expect(res.body.signedTransaction).toMatchObject({ raw_data_hex: raw, signature: [res.body.signature] });
  });

  it("signs a transaction with a 200-byte note (over one 250-byte APDU on a Ledger)", async () => {
    const raw = transferHex({ amountSun: 1, memoBytes: 200 });
    expect(raw.length / 2).toBeGreaterThan(250);
    const before = device().exchangeCount;
    const res = await signTx(raw);
    expect(res.status).toBe(200);
    expect(device().exchangeCount - before).toBeGreaterThanOrEqual(3); // address + at least two sign steps
    expect(recoverSigner(txIdOf(raw), String(res.body.signature))).toBe(TEST_ADDRESS);
  });

  it("signs a token call whose signature recovers, over the approved raw data, to the device", async () => {
    const raw = usdtCall();
    const res = await signTx(raw);
    expect(res.status).toBe(200);
    expect(recoverSigner(txIdOf(raw), String(res.body.signature))).toBe(TEST_ADDRESS);
  });

  if (d.signsMessages) {
    it("signs a message (TIP-191, in the envelope) that tronweb verifies to the device address", async () => {
      const res = await signMsg("Approve node maintenance #42 ✓");
      expect(res.body.address).toBe(TEST_ADDRESS);
      expect(String(res.body.signedMessage)).toMatch(/\n\nApprove node maintenance #42 ✓$/);
      expect(utils.message.verifyMessage(String(res.body.signedMessage), String(res.body.signature))).toBe(
        TEST_ADDRESS,
      );
    });
  } else {
    it("refuses message signing as 422 unsupported_by_device without asking the device", async () => {
      const before = device().exchangeCount;
      const res = await signMsg("Approve node maintenance #42");
      expect([res.status, res.body.code]).toEqual([422, "unsupported_by_device"]);
      expect(device().exchangeCount).toBe(before);
    });
  }

  it("serializes concurrent requests: both succeed, no transport race reaches a caller", async () => {
    const [a, b] = await Promise.all([
      signTx(transferHex({ amountSun: 2, memoBytes: 200 })),
      signTx(transferHex({ amountSun: 2 })),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  const deviceCases: [string, () => void, number, readonly string[]][] = [
    ["the user rejects on the device", () => device().rejectNext(), 409, ["wallet_rejected"]],
    ["the device is locked (PIN)", () => device().lock(), 423, ["wallet_locked"]],
    [
      "the TRON app is closed (no TRON in the firmware)",
      () => device().closeApp(),
      409,
      ["wallet_app_not_open"],
    ],
    [
      "the cable is pulled in the middle of a signature",
      () => device().disconnect(2),
      0,
      d.unpluggedMidSignature,
    ],
    ["nobody confirms in time", () => device().hangNext(), 504, ["wallet_timeout"]],
  ];
  for (const [name, act, status, codes] of deviceCases) {
    it(`answers ${codes.join(" or ")} when ${name}, keeps serving, and signs again once it is fixed`, async () => {
      act();
      const res = await confirmOnDevice();
      expect(codes).toContain(res.body.code);
      if (status) expect(res.status).toBe(status);
      expect((await t.call("/health", { assertion: false })).status).toBe(200);
      device().openApp();
      device().reattach();
      // Recovery without a restart, within a bound: a Ledger at once, a Trezor once connect has
      // seen the device again (a few seconds after a pulled cable).
      let next = await signTx(transferHex({ amountSun: 3 }));
      for (let i = 0; i < 15 && next.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 1_000));
        next = await signTx(transferHex({ amountSun: 3 }));
      }
      expect(next.status).toBe(200);
      expect((await t.call("/internal/v1/wallet", { assertion: signer })).body.status).toBe("ready");
    });
  }

  it("refuses by policy before the device is touched: amount cap, unlisted contract, 24-hour cap", async () => {
    const before = device().exchangeCount;
    const over = await signTx(transferHex({ amountSun: 5_000_001 }));
    expect([over.status, over.body.code, over.body.reason]).toEqual([
      403,
      "signing_policy_denied",
      "per_transaction_cap",
    ]);
    const unlisted = await signTx(triggerHex({ contract: newWallet().address }));
    expect([unlisted.status, unlisted.body.reason]).toEqual([403, "contract_not_allowed"]);
    expect(device().exchangeCount).toBe(before);
    expect((await signTx(usdtCall())).status).toBe(200);
    // 24-hour cap 8 TRX: 5 more fit after what the tests above signed; the next 5 would cross it.
    expect((await signTx(transferHex({ amountSun: 5_000_000 }))).status).toBe(200);
    const day = await signTx(transferHex({ amountSun: 5_000_000 }));
    expect([day.status, day.body.reason]).toEqual([403, "per_24h_cap"]);
  });

  it("refuses callers without wallet:sign, and a token whose roles are stale", async () => {
    const user = await t.actorFor(newWallet());
    const asUser = { sub: user.id, roles: ["USER"] };
    expect((await signTx(transferHex({ amountSun: 1 }), asUser)).body.code).toBe("forbidden");
    const op = await t.actorFor(operator);
    const claimsAdmin = { sub: op.id, roles: ["ADMIN"] };
    expect((await signMsg("hi", claimsAdmin)).body.code).toBe("forbidden");
    expect((await signTx(transferHex({ amountSun: 1 }), claimsAdmin)).body.code).toBe("forbidden");
  });

  it("audits every request, approval, refusal and policy denial", async () => {
    const res = await t.call(`/internal/v1/audit?userId=${signer.sub}&limit=200`, { assertion: signer });
    const types = new Set((res.body.events as { type: string }[]).map((e) => e.type));
    for (const type of [
      "wallet_sign_request",
      "wallet_sign_approved",
      "wallet_sign_refused",
      "wallet_policy_denied",
    ]) {
      expect(types).toContain(type);
    }
  });

  it("shows the device state in readiness: locked degrades the bridge, ready restores it", async () => {
    const ready = async () => {
      const res = await fetch(`${t.bridge.healthUrl}/health/ready`);
      const body = (await res.json()) as { status: string; dependencies: { hardware_wallet: string } };
      return [res.status, body.status, body.dependencies.hardware_wallet];
    };
    device().lock();
    await signTx(transferHex({ amountSun: 1 }));
    expect(await ready()).toEqual([200, "degraded", "locked"]);
    device().openApp();
    expect((await signTx(transferHex({ amountSun: 1 }))).status).toBe(200);
    expect(await ready()).toEqual([200, "healthy", "ready"]);
  });
});
