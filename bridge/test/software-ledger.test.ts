import { createHash } from "node:crypto";
import { utils } from "tronweb";
import { describe, expect, it } from "vitest";
import { Trx } from "../src/wallet/ledger-modules.ts";
import { SoftwareLedger } from "../src/wallet/software/software-ledger.ts";
import { recoverSigner, TEST_ADDRESS, TEST_MNEMONIC } from "./support/transactions.ts";

const PATH = "44'/195'/0'/0/0";
const keccak = (bytes: Buffer) => utils.ethersUtils.keccak256(bytes).slice(2);

describe("software Ledger (TRON app) under the real hw-app-trx client", () => {
  it("derives the standard TRON address and returns the uncompressed public key", async () => {
    const trx = new Trx(new SoftwareLedger(TEST_MNEMONIC));
    const { address, publicKey } = await trx.getAddress(PATH);
    expect(address).toBe(TEST_ADDRESS);
    expect(publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect((await trx.getAddress("44'/195'/1'/0/0")).address).not.toBe(TEST_ADDRESS);
  });

  it("signs a transaction hash and a TIP-712 hashed message that recover to the device address", async () => {
    const trx = new Trx(new SoftwareLedger(TEST_MNEMONIC));
    const hash = createHash("sha256").update("tx").digest("hex");
    expect(recoverSigner(hash, await trx.signTransactionHash(PATH, hash))).toBe(TEST_ADDRESS);
    const domain = "01".repeat(32);
    const struct = "02".repeat(32);
    const sig = await trx.signTIP712HashedMessage(PATH, domain, struct);
    const digest = keccak(Buffer.from(`1901${domain}${struct}`, "hex"));
    expect(recoverSigner(digest, sig)).toBe(TEST_ADDRESS);
  });

  it("signs long messages sent in several chunks", async () => {
    const trx = new Trx(new SoftwareLedger(TEST_MNEMONIC));
    const message = "x".repeat(700);
    const sig = await trx.signPersonalMessage(PATH, Buffer.from(message).toString("hex"));
    expect(utils.message.verifyMessage(message, `0x${sig}`)).toBe(TEST_ADDRESS);
  });

  it("answers with the app's status words when rejected, locked or closed, and throws when unplugged", async () => {
    const device = new SoftwareLedger(TEST_MNEMONIC);
    const trx = new Trx(device);
    const statusOf = (p: Promise<unknown>) =>
      p.then(
        () => 0x9000,
        (e: { statusCode?: number; name?: string }) => e.statusCode ?? e.name,
      );
    device.holder.rejectNext();
    expect(await statusOf(trx.getAddress(PATH, true))).toBe(0x6985);
    device.holder.lock();
    expect(await statusOf(trx.getAppConfiguration())).toBe(0x5515);
    device.holder.closeApp();
    expect(await statusOf(trx.getAppConfiguration())).toBe(0x6e00);
    device.holder.openApp();
    device.holder.disconnect();
    expect(await statusOf(trx.getAppConfiguration())).toBe("DisconnectedDevice");
    device.holder.reattach();
    expect((await trx.getAppConfiguration()).version).toBe("0.5.0");
  });
});
