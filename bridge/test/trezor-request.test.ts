import { describe, expect, it } from "vitest";
import { writeFields } from "../src/wallet/protobuf-wire.ts";
import { decodeTransaction } from "../src/wallet/transaction-decoder.ts";
import { tronSignRequest } from "../src/wallet/trezor/tron-request.ts";
import { TEST_ADDRESS, transferHex, triggerHex, USDT } from "./support/transactions.ts";

const PATH = "m/44'/195'/0'/0/0";
const request = (raw: string) => tronSignRequest(PATH, decodeTransaction(raw), raw);
const refusal = (raw: string) => {
  try {
    request(raw);
  } catch (error) {
    return (error as { problem?: { code: string; reason?: string } }).problem;
  }
  return undefined;
};

describe("a Trezor signs structured fields: the request rebuilt from the approved raw data", () => {
  it("turns a transfer into the firmware's fields (hex addresses, the note, the times)", () => {
    const raw = transferHex({ amountSun: 1234, memoBytes: 10 });
    const r = request(raw);
    expect(r.contract[0]).toEqual({
      type: "TransferContract",
      parameter: {
        value: {
          owner_address: expect.stringMatching(/^41[0-9a-f]{40}$/),
          to_address: expect.stringMatching(/^41[0-9a-f]{40}$/),
          amount: "1234",
        },
      },
    });
    expect(r.data).toBe("ab".repeat(10));
    expect(r.ref_block_bytes).toBe("abcd");
    expect(typeof r.expiration).toBe("number");
  });

  it("turns a contract call into TriggerSmartContract with its call data", () => {
    const r = request(triggerHex({ contract: USDT, data: "d0e30db0" }));
    expect(r.contract[0].type).toBe("TriggerSmartContract");
    expect(r.contract[0].parameter.value).toMatchObject({ data: "d0e30db0" });
  });

  // Each of these would be signed as other bytes than the approved ones, or not at all: refused
  // before the device sees anything, with a reason.
  const cases: [string, () => string, string][] = [
    [
      "a call that sends TRX (no call_value in the firmware's message)",
      () => triggerHex({ contract: USDT, data: "d0e30db0", callValueSun: 5 }),
      "call_value",
    ],
    ["a call without call data", () => triggerHex({ contract: USDT }), "empty_call"],
    ["a note over 256 bytes", () => transferHex({ amountSun: 1, memoBytes: 257 }), "note_too_long"],
    [
      "a zero amount (left out by TRON's proto3, written out by the firmware)",
      () => transferHex({ amountSun: 0 }),
      "encoding",
    ],
  ];
  for (const [name, build, reason] of cases) {
    it(`refuses ${name} as unsupported_by_device (${reason})`, () => {
      expect(refusal(build())).toMatchObject({ code: "unsupported_by_device", status: 422, reason });
    });
  }

  it("refuses raw data with ref_block_num, which the firmware's transaction has no field for", () => {
    const raw = transferHex({ amountSun: 1 });
    const bytes = Buffer.from(raw, "hex");
    // Field 3 (varint) after ref_block_bytes: still a valid Transaction.raw for the policy.
    const withNum = Buffer.concat([
      bytes.subarray(0, 4),
      writeFields([{ number: 3, varint: 7n }]),
      bytes.subarray(4),
    ]);
    expect(refusal(withNum.toString("hex"))).toMatchObject({
      code: "unsupported_by_device",
      reason: "ref_block_num",
    });
  });

  it("refuses raw data whose fields are in another order than the firmware writes them", () => {
    const raw = Buffer.from(transferHex({ amountSun: 1 }), "hex");
    // ref_block_bytes (4 bytes: tag, length, 2) moved after the rest: same fields, other bytes.
    const reordered = Buffer.concat([raw.subarray(4), raw.subarray(0, 4)]).toString("hex");
    expect(decodeTransaction(reordered).contract.owner).toBe(TEST_ADDRESS);
    expect(refusal(reordered)).toMatchObject({ code: "unsupported_by_device", reason: "encoding" });
  });
});
