import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOFTWARE_DEVICES } from "./support/devices.ts";
import { TEST_ADDRESS, transferHex } from "./support/transactions.ts";
import { startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

const CAP = 3_000_000;

describe.each(SOFTWARE_DEVICES)(
  "a signature that does not recover to the $device's address is never released",
  (d) => {
    let w: WalletBridge;
    beforeAll(async () => {
      w = await startWalletBridge({
        WALLET_DEVICE: d.device,
        WALLET_MAX_PER_TRANSACTION_SUN: String(CAP),
        WALLET_MAX_PER_DAY_SUN: String(CAP),
      });
    });
    afterAll(() => w.t.stop());

    it("refuses a transaction signed by another key: no signature out, audited, budget returned", async () => {
      w.device().signWithForeignKeyNext();
      const res = await w.signTx(transferHex({ amountSun: CAP }));
      expect([res.status, res.body.code]).toEqual([502, "wallet_signature_invalid"]);
      expect(Object.keys(res.body)).not.toContain("signature");
      expect(Object.keys(res.body)).not.toContain("signedTransaction");
      expect(JSON.stringify(res.body)).not.toMatch(/[0-9a-f]{128}/i);
      const [latest] = await w.auditEvents();
      expect(latest).toMatchObject({
        type: "wallet_sign_refused",
        outcome: "failure",
        details: {
          reason: "wallet_signature_invalid",
          summary: { action: "trx_transfer", owner: TEST_ADDRESS },
        },
      });
      // The whole 24-hour budget is still there: the reservation was released.
      expect((await w.signTx(transferHex({ amountSun: CAP }))).status).toBe(200);
    });

    if (d.signsMessages)
      it("refuses a message signed by another key the same way", async () => {
        w.device().signWithForeignKeyNext();
        const res = await w.signMsg("rotate the node key");
        expect([res.status, res.body.code]).toEqual([502, "wallet_signature_invalid"]);
        expect(res.body).not.toHaveProperty("signature");
        expect(res.body).not.toHaveProperty("signedMessage");
        expect((await w.auditEvents())[0]).toMatchObject({
          type: "wallet_sign_refused",
          details: { reason: "wallet_signature_invalid", summary: { type: "message" } },
        });
        expect((await w.signMsg("rotate the node key")).status).toBe(200);
      });
  },
);
