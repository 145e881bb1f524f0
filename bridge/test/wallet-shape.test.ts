import { utils } from "tronweb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contract, pb, rawTransaction, transferValue } from "./support/protobuf.ts";
import { TEST_ADDRESS, USDT } from "./support/transactions.ts";
import { newWallet } from "./support/wallet.ts";
import { startWalletBridge, type WalletBridge } from "./support/wallet-bridge.ts";

const OTHER_PATH = "44'/195'/1'/0/0";
const attacker = newWallet().address;
let w: WalletBridge;

beforeAll(async () => {
  w = await startWalletBridge({
    WALLET_ALLOWED_PATHS: OTHER_PATH,
    WALLET_MAX_PER_TRANSACTION_SUN: "5000000",
    WALLET_MAX_PER_DAY_SUN: "5000000",
  });
});
afterAll(() => w.t.stop());

async function refused(rawDataHex: string, reason: string, o: { path?: string } = {}) {
  const before = w.device().exchangeCount;
  const res = await w.signTx(rawDataHex, o);
  expect([res.status, res.body.code, res.body.reason]).toEqual([403, "signing_policy_denied", reason]);
  return w.device().exchangeCount - before;
}

describe("transaction shape: one contract, the device's owner, permission 0, known fields only", () => {
  it("writes the same bytes as tronweb for an ordinary transfer, and signs it", async () => {
    const at = Date.now();
    const mine = rawTransaction({ timestamp: at, expiration: at + 60_000 });
    const tronweb = utils.transaction.txPbToRawDataHex(
      utils.transaction.txJsonToPb({
        raw_data: {
          contract: [
            {
              parameter: {
                value: {
                  owner_address: utils.address.toHex(TEST_ADDRESS),
                  to_address: utils.address.toHex(USDT),
                  amount: 1,
                },
                type_url: "type.googleapis.com/protocol.TransferContract",
              },
              type: "TransferContract",
            },
          ],
          ref_block_bytes: "abcd",
          ref_block_hash: "0123456789abcdef",
          expiration: at + 60_000,
          timestamp: at,
        },
      }),
    );
    expect(mine).toBe(tronweb.toLowerCase());
    expect((await w.signTx(mine)).status).toBe(200);
  });

  it("refuses a second contract (tronweb's decoder reads only the first) and an empty list", async () => {
    const drain = contract({ value: transferValue({ to: attacker, amount: 1_000_000_000_000 }) });
    expect(await refused(rawTransaction({ contracts: [contract(), drain] }), "contract_count")).toBe(0);
    expect(await refused(rawTransaction({ contracts: [] }), "contract_count")).toBe(0);
  });

  it("signs Permission_id 0 and refuses any other permission", async () => {
    expect((await w.signTx(rawTransaction({ contracts: [contract({ permissionId: 0 })] }))).status).toBe(200);
    expect(
      await refused(rawTransaction({ contracts: [contract({ permissionId: 2 })] }), "permission_id"),
    ).toBe(0);
  });

  it("refuses unknown or unused fields at every level", async () => {
    const cases = [
      rawTransaction({ extra: pb.bytes(9, pb.bytes(1, "owner")) }), // auths
      rawTransaction({ extra: pb.bytes(12, "script") }), // scripts
      rawTransaction({ extra: pb.uint(99, 1) }),
      rawTransaction({ contracts: [contract({ extra: pb.bytes(3, "provider") })] }),
      rawTransaction({ contracts: [contract({ value: transferValue({ extra: pb.uint(4, 7) }) })] }),
    ];
    for (const raw of cases) expect(await refused(raw, "unknown_field")).toBe(0);
  });

  it("refuses a repeated singular field (readers disagree on which value wins)", async () => {
    const twice = transferValue({ amount: 1, extra: pb.uint(3, 1_000_000_000_000) });
    expect(
      await refused(rawTransaction({ contracts: [contract({ value: twice })] }), "duplicate_field"),
    ).toBe(0);
  });

  it("refuses malformed protobuf: truncated, non-canonical varint, trailing byte, group, mismatched type_url", async () => {
    const ok = rawTransaction();
    const cases = [
      ok.slice(0, -2),
      `${ok}08`,
      `${ok}7080`, // field 14 varint "80 00"-style padding cut short
      `${ok}708000`, // non-canonical varint (0 written in two bytes)
      `${ok}0b`, // start group
      rawTransaction({
        contracts: [contract({ typeUrl: "type.googleapis.com/protocol.TriggerSmartContract" })],
      }),
      rawTransaction({
        contracts: [
          contract({ value: Buffer.concat([pb.bytes(1, Buffer.alloc(20)), pb.bytes(2, Buffer.alloc(21))]) }),
        ],
      }),
    ];
    for (const raw of cases) expect(await refused(raw, "malformed_transaction")).toBe(0);
  });

  it("refuses a negative amount and contract types it cannot decode", async () => {
    expect(
      await refused(
        rawTransaction({ contracts: [contract({ value: transferValue({ amount: -1 }) })] }),
        "amount",
      ),
    ).toBe(0);
    const asset = contract({ type: 2, typeUrl: "type.googleapis.com/protocol.TransferAssetContract" });
    expect(await refused(rawTransaction({ contracts: [asset] }), "contract_type")).toBe(0);
  });

  it("refuses a transaction whose owner is not the device's address for the path, without signing or spending", async () => {
    const foreign = rawTransaction({
      contracts: [contract({ value: transferValue({ owner: attacker, amount: 4_000_000 }) })],
    });
    // Only the address is read from the device (one APDU); nothing is signed.
    expect(await refused(foreign, "owner_mismatch")).toBe(1);
    const mineOnOtherPath = rawTransaction({
      contracts: [contract({ value: transferValue({ amount: 4_000_000 }) })],
    });
    expect(await refused(mineOnOtherPath, "owner_mismatch", { path: OTHER_PATH })).toBe(1);
    // The whole 24-hour budget is still there (1 + 1 sun were signed above; cap 5 TRX): refusals spent nothing.
    expect(
      (
        await w.signTx(
          rawTransaction({ contracts: [contract({ value: transferValue({ amount: 4_999_998 }) })] }),
        )
      ).status,
    ).toBe(200);
  });
});
