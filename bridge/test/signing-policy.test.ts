import { createHash } from "node:crypto";
import { AppError } from "@tron-auth/shared/problems";
import { TronWeb } from "tronweb";
import { describe, expect, it } from "vitest";
import type { TokenRule } from "../src/config/wallet-tokens.ts";
import { UINT256_MAX } from "../src/tron/trc20-abi.ts";
import { messageToSign } from "../src/wallet/message-policy.ts";
import { checkOwner, checkTransaction, type SigningPolicy } from "../src/wallet/policy.ts";
import { decodeTransaction } from "../src/wallet/transaction-decoder.ts";
import { decodeTokenCall } from "../src/wallet/trc20-calldata.ts";
import { contract, pb, rawTransaction, transferValue } from "./support/protobuf.ts";
import {
  selectorOf,
  TEST_ADDRESS,
  tokenCall,
  transferHex,
  triggerHex,
  USDT,
} from "./support/transactions.ts";

/**
 * The signing policy's rules called directly, without a daemon: the wallet tests drive the same
 * rules end to end through mTLS and the software Ledger; these pin each boundary (and are what
 * mutation testing runs, since restarting a wallet bridge per mutant would take hours).
 */

const DEX = "TKzxdSv2FZKQrEqkKVgp5DcwEXBEKMg2Ax";
const SPENDER = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL";
const TOKEN: TokenRule = {
  address: USDT,
  symbol: "USDT",
  decimals: 6,
  maxPerTransaction: 1_000n,
  maxPer24h: 5_000n,
  methods: ["transfer", "transferFrom", "approve", "increaseAllowance"],
  otherSelectors: ["70a08231"],
};
const POLICY: SigningPolicy = {
  allowedTypes: ["TransferContract", "TriggerSmartContract"],
  allowedContracts: [DEX],
  tokens: [TOKEN],
  maxPerTransactionSun: 10_000_000n,
  maxPer24hSun: 50_000_000n,
};

const GENERIC_DETAIL = new AppError("signing_policy_denied").problem.detail;

/** The policy's refusal reason, or what happened instead. */
function reasonOf(f: () => unknown): unknown {
  try {
    return { returned: f() };
  } catch (error) {
    if (!(error instanceof AppError)) return error;
    expect(error.problem.code).toBe("signing_policy_denied");
    // The caller reads why in the problem's detail: this rule's own words, not the catalog's.
    expect(error.problem.detail).toMatch(/^\S.{10,}\.$/);
    expect(error.problem.detail).not.toBe(GENERIC_DETAIL);
    return error.problem.reason;
  }
}

const check = (hex: string, policy = POLICY) => checkTransaction(decodeTransaction(hex), policy);
const tokenTx = (data: string, contractAddress = USDT) => triggerHex({ contract: contractAddress, data });

describe("transaction decoding", () => {
  it("reads a TRX transfer and computes the txID the device signs", () => {
    const hex = transferHex({ amountSun: 1_500_000, to: DEX });
    const tx = decodeTransaction(hex);
    expect(tx.txID).toBe(createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex"));
    expect(tx.contract).toEqual({
      type: "TransferContract",
      owner: TEST_ADDRESS,
      to: DEX,
      amountSun: 1_500_000n,
    });
    expect(tx.header.refBlockBytes?.toString("hex")).toBe("abcd");
    expect(tx.header.expiration).toBeTypeOf("bigint");
  });

  it("reads a contract call with its data and values", () => {
    const data = tokenCall("transfer(address,uint256)", [SPENDER, 5n]);
    const tx = decodeTransaction(triggerHex({ contract: USDT, data, callValueSun: 7 }));
    expect(tx.contract).toEqual({
      type: "TriggerSmartContract",
      owner: TEST_ADDRESS,
      contract: USDT,
      callValueSun: 7n,
      data,
      callTokenValue: 0n,
      tokenId: 0n,
    });
    const bare = decodeTransaction(triggerHex({ contract: DEX }));
    expect(bare.contract).toMatchObject({ data: "", callValueSun: 0n });
  });

  it("reads TRC-10 values sent along with a call", () => {
    const value = Buffer.concat([
      pb.bytes(1, Buffer.from(TronWeb.address.toHex(TEST_ADDRESS), "hex")),
      pb.bytes(2, Buffer.from(TronWeb.address.toHex(DEX), "hex")),
      pb.uint(5, 3),
      pb.uint(6, 1_000_001),
    ]);
    const trigger = contract({
      type: 31,
      typeUrl: "type.googleapis.com/protocol.TriggerSmartContract",
      value,
    });
    const tx = decodeTransaction(rawTransaction({ contracts: [trigger] }));
    expect(tx.contract).toMatchObject({ callTokenValue: 3n, tokenId: 1_000_001n });
  });

  it("reads an int64 amount as signed (two's complement)", () => {
    const negative = contract({ value: transferValue({ amount: -1 }) });
    expect(decodeTransaction(rawTransaction({ contracts: [negative] })).contract).toMatchObject({
      amountSun: -1n,
    });
  });

  it.each([
    ["empty", ""],
    ["an odd number of digits", "abc"],
    ["not hex", "zz"],
    ["0x-prefixed", `0x${transferHex({ amountSun: 1 })}`],
  ])("refuses raw data that is %s", (_, hex) => {
    expect(reasonOf(() => decodeTransaction(hex))).toBe("malformed_transaction");
  });

  it("takes raw data up to 64 KiB and refuses a byte more", () => {
    const withMemo = (bytes: number) => rawTransaction({ extra: pb.bytes(10, Buffer.alloc(bytes, 0x61)) });
    const memo = 65_536 - rawTransaction().length / 2 - 4; // tag and a 3-byte length
    expect(withMemo(memo).length).toBe(2 * 65_536);
    expect(decodeTransaction(withMemo(memo)).header.memo?.length).toBe(memo);
    expect(reasonOf(() => decodeTransaction(withMemo(memo + 1)))).toBe("malformed_transaction");
  });

  it("refuses no contract and two contracts", () => {
    expect(reasonOf(() => decodeTransaction(rawTransaction({ contracts: [] })))).toBe("contract_count");
    expect(reasonOf(() => decodeTransaction(rawTransaction({ contracts: [contract(), contract()] })))).toBe(
      "contract_count",
    );
  });

  it("refuses a permission other than the owner's, and takes an explicit owner permission", () => {
    const other = rawTransaction({ contracts: [contract({ permissionId: 2 })] });
    expect(reasonOf(() => decodeTransaction(other))).toBe("permission_id");
    const owner = rawTransaction({ contracts: [contract({ permissionId: 0 })] });
    expect(decodeTransaction(owner).contract.type).toBe("TransferContract");
  });

  it("refuses a type it does not decode, a missing parameter and a type_url of another type", () => {
    const freeze = rawTransaction({ contracts: [contract({ type: 11 })] });
    expect(reasonOf(() => decodeTransaction(freeze))).toBe("contract_type");
    const noType = rawTransaction({ contracts: [Buffer.concat([pb.bytes(2, Buffer.alloc(0))])] });
    expect(reasonOf(() => decodeTransaction(noType))).toBe("contract_type");
    const noParameter = rawTransaction({ contracts: [pb.uint(1, 1)] });
    expect(reasonOf(() => decodeTransaction(noParameter))).toBe("contract_type");
    const mislabelled = rawTransaction({
      contracts: [contract({ typeUrl: "type.googleapis.com/protocol.TriggerSmartContract" })],
    });
    expect(reasonOf(() => decodeTransaction(mislabelled))).toBe("malformed_transaction");
    const unprefixed = rawTransaction({ contracts: [contract({ typeUrl: "TransferContract" })] });
    expect(reasonOf(() => decodeTransaction(unprefixed))).toBe("malformed_transaction");
  });

  it("names the message, field or address it refuses in the detail", () => {
    const detailOf = (hex: string) => {
      try {
        decodeTransaction(hex);
      } catch (error) {
        return error instanceof AppError ? error.problem.detail : String(error);
      }
      return "decoded";
    };
    const trigger = (value: Buffer) =>
      contract({ type: 31, typeUrl: "type.googleapis.com/protocol.TriggerSmartContract", value });
    const addr = (a: string) => Buffer.from(TronWeb.address.toHex(a), "hex");
    expect(detailOf(rawTransaction({ extra: pb.uint(9, 1) }))).toContain("Transaction.raw field 9");
    expect(detailOf(rawTransaction({ contracts: [contract({ extra: pb.uint(4, 1) })] }))).toContain(
      "Contract field 4",
    );
    const anyExtra = Buffer.concat([pb.uint(1, 1), pb.bytes(2, Buffer.from(contract()))]);
    expect(detailOf(rawTransaction({ contracts: [anyExtra] }))).toContain("Contract.parameter");
    const transferExtra = transferValue({ extra: pb.uint(7, 1) });
    expect(detailOf(rawTransaction({ contracts: [contract({ value: transferExtra })] }))).toContain(
      "TransferContract field 7",
    );
    const triggerExtra = Buffer.concat([
      pb.bytes(1, addr(TEST_ADDRESS)),
      pb.bytes(2, addr(DEX)),
      pb.uint(9, 1),
    ]);
    expect(detailOf(rawTransaction({ contracts: [trigger(triggerExtra)] }))).toContain(
      "TriggerSmartContract field 9",
    );
    const bad = Buffer.alloc(21, 0xa0);
    const transferTo = Buffer.concat([pb.bytes(1, addr(TEST_ADDRESS)), pb.bytes(2, bad)]);
    expect(detailOf(rawTransaction({ contracts: [contract({ value: transferTo })] }))).toContain(
      "to_address",
    );
    const transferOwner = Buffer.concat([pb.bytes(1, bad), pb.bytes(2, addr(DEX))]);
    expect(detailOf(rawTransaction({ contracts: [contract({ value: transferOwner })] }))).toContain(
      "owner_address",
    );
    const triggerOwner = Buffer.concat([pb.bytes(1, bad), pb.bytes(2, addr(DEX))]);
    expect(detailOf(rawTransaction({ contracts: [trigger(triggerOwner)] }))).toContain("owner_address");
    const triggerContract = Buffer.concat([pb.bytes(1, addr(TEST_ADDRESS)), pb.bytes(2, bad)]);
    expect(detailOf(rawTransaction({ contracts: [trigger(triggerContract)] }))).toContain("contract_address");
  });

  it("refuses a parameter without type_url as mislabelled", () => {
    const noUrl = Buffer.concat([pb.uint(1, 1), pb.bytes(2, pb.bytes(2, transferValue()))]);
    expect(reasonOf(() => decodeTransaction(rawTransaction({ contracts: [noUrl] })))).toBe(
      "malformed_transaction",
    );
  });

  it("refuses addresses that are not 21 bytes starting 0x41", () => {
    const short = Buffer.concat([
      pb.bytes(1, Buffer.alloc(20, 0x41)),
      pb.bytes(2, Buffer.alloc(21, 0x41)),
      pb.uint(3, 1),
    ]);
    const wrongPrefix = Buffer.concat([
      pb.bytes(1, Buffer.from(TronWeb.address.toHex(TEST_ADDRESS), "hex")),
      pb.bytes(2, Buffer.alloc(21, 0xa0)),
      pb.uint(3, 1),
    ]);
    const missing = Buffer.concat([pb.bytes(2, Buffer.alloc(21, 0x41)), pb.uint(3, 1)]);
    for (const value of [short, wrongPrefix, missing]) {
      expect(reasonOf(() => decodeTransaction(rawTransaction({ contracts: [contract({ value })] })))).toBe(
        "malformed_transaction",
      );
    }
  });
});

describe("TRC-20 call data", () => {
  it("decodes each method with its parties and amount", () => {
    expect(decodeTokenCall(tokenCall("transfer(address,uint256)", [SPENDER, 5n]))).toEqual({
      kind: "trc20",
      call: { method: "transfer", to: SPENDER, amount: 5n },
    });
    expect(decodeTokenCall(tokenCall("transferFrom(address,address,uint256)", [DEX, SPENDER, 6n]))).toEqual({
      kind: "trc20",
      call: { method: "transferFrom", from: DEX, to: SPENDER, amount: 6n },
    });
    expect(decodeTokenCall(tokenCall("approve(address,uint256)", [SPENDER, 7n]))).toEqual({
      kind: "trc20",
      call: { method: "approve", spender: SPENDER, amount: 7n },
    });
    expect(decodeTokenCall(tokenCall("increaseAllowance(address,uint256)", [SPENDER, 8n]))).toEqual({
      kind: "trc20",
      call: { method: "increaseAllowance", spender: SPENDER, amount: 8n },
    });
  });

  it("is malformed, naming the selector, when a known selector comes without its arguments", () => {
    expect(decodeTokenCall("a9059cbb")).toEqual({ kind: "malformed", selector: "a9059cbb" });
    expect(decodeTokenCall("70a08231")).toEqual({ kind: "other", selector: "70a08231" });
  });

  it("names the selector of a call it does not decode", () => {
    expect(decodeTokenCall(`${selectorOf("balanceOf(address)")}${"00".repeat(32)}`)).toEqual({
      kind: "other",
      selector: "70a08231",
    });
  });

  it("takes an upper-case selector as the same selector", () => {
    const data = tokenCall("transfer(address,uint256)", [SPENDER, 5n]);
    expect(decodeTokenCall(data.toUpperCase())).toMatchObject({ kind: "trc20" });
  });

  it.each([
    ["empty", ""],
    ["three bytes", "a9059c"],
    ["an odd number of digits", `${tokenCall("transfer(address,uint256)", [SPENDER, 5n])}0`],
    ["not hex", "zzzzzzzz"],
  ])("is malformed with no selector when %s", (_, data) => {
    expect(decodeTokenCall(data)).toEqual({ kind: "malformed", selector: null });
  });

  it("is malformed when a known selector has a word more or less, or a dirty address word", () => {
    const transfer = tokenCall("transfer(address,uint256)", [SPENDER, 5n]);
    const from = tokenCall("transferFrom(address,address,uint256)", [DEX, SPENDER, 6n]);
    const dirty = (hex: string, word: number) =>
      `${hex.slice(0, 8 + word * 64)}01${hex.slice(10 + word * 64)}`;
    for (const data of [
      transfer.slice(0, -64),
      `${transfer}${"00".repeat(32)}`,
      `${transfer}00`,
      dirty(transfer, 0),
      dirty(from, 0),
      dirty(from, 1),
      dirty(tokenCall("approve(address,uint256)", [SPENDER, 7n]), 0),
    ]) {
      expect(decodeTokenCall(data)).toMatchObject({ kind: "malformed", selector: data.slice(0, 8) });
    }
    // The last byte of the padding counts too, not only the first.
    const lastPad = `${transfer.slice(0, 8 + 22)}01${transfer.slice(8 + 24)}`;
    expect(decodeTokenCall(lastPad)).toMatchObject({ kind: "malformed" });
  });
});

describe("the transaction policy", () => {
  it("spends TRX against the 24-hour window, up to the per-transaction cap", () => {
    expect(check(transferHex({ amountSun: 10_000_000 }))).toEqual([
      { asset: "TRX", amount: 10_000_000n, cap24h: 50_000_000n, reason: "per_24h_cap" },
    ]);
    expect(reasonOf(() => check(transferHex({ amountSun: 10_000_001 })))).toBe("per_transaction_cap");
    expect(check(transferHex({ amountSun: 0 }))).toEqual([]);
  });

  it("refuses a negative amount and a type not allowed", () => {
    const negative = rawTransaction({ contracts: [contract({ value: transferValue({ amount: -1 }) })] });
    expect(reasonOf(() => check(negative))).toBe("amount");
    const onlyCalls = { ...POLICY, allowedTypes: ["TriggerSmartContract"] };
    expect(reasonOf(() => check(transferHex({ amountSun: 1 }), onlyCalls))).toBe("contract_type");
  });

  it("caps the TRX a contract call carries and signs allowlisted contracts without decoding", () => {
    expect(check(triggerHex({ contract: DEX, data: "d0e30db0", callValueSun: 5 }))).toEqual([
      { asset: "TRX", amount: 5n, cap24h: 50_000_000n, reason: "per_24h_cap" },
    ]);
    expect(check(triggerHex({ contract: DEX }))).toEqual([]);
    const over = triggerHex({ contract: DEX, callValueSun: 10_000_001 });
    expect(reasonOf(() => check(over))).toBe("per_transaction_cap");
  });

  it("refuses contracts not allowlisted, and token calls to a contract not configured as a token", () => {
    expect(reasonOf(() => check(triggerHex({ contract: SPENDER })))).toBe("contract_not_allowed");
    const transfer = tokenCall("transfer(address,uint256)", [SPENDER, 5n]);
    expect(reasonOf(() => check(tokenTx(transfer, DEX)))).toBe("token_not_configured");
    expect(reasonOf(() => check(tokenTx(transfer.toUpperCase(), DEX)))).toBe("token_not_configured");
  });

  it("refuses calls that send TRC-10 tokens", () => {
    const value = (field: number) =>
      Buffer.concat([
        pb.bytes(1, Buffer.from(TronWeb.address.toHex(TEST_ADDRESS), "hex")),
        pb.bytes(2, Buffer.from(TronWeb.address.toHex(DEX), "hex")),
        pb.uint(field, 1),
      ]);
    for (const field of [5, 6]) {
      const c = contract({
        type: 31,
        typeUrl: "type.googleapis.com/protocol.TriggerSmartContract",
        value: value(field),
      });
      expect(reasonOf(() => check(rawTransaction({ contracts: [c] })))).toBe("trc10_not_allowed");
    }
  });

  it("spends a token's amount against its own window, approvals included", () => {
    for (const data of [
      tokenCall("transfer(address,uint256)", [SPENDER, 1_000n]),
      tokenCall("approve(address,uint256)", [SPENDER, 1_000n]),
      tokenCall("increaseAllowance(address,uint256)", [SPENDER, 1_000n]),
      tokenCall("transferFrom(address,address,uint256)", [DEX, SPENDER, 1_000n]),
    ]) {
      expect(check(tokenTx(data))).toEqual([
        { asset: USDT, amount: 1_000n, cap24h: 5_000n, reason: "token_per_24h_cap" },
      ]);
    }
    expect(check(tokenTx(tokenCall("transfer(address,uint256)", [SPENDER, 0n])))).toEqual([]);
  });

  it("counts both the TRX and the tokens of one call", () => {
    const data = tokenCall("transfer(address,uint256)", [SPENDER, 10n]);
    expect(check(triggerHex({ contract: USDT, data, callValueSun: 3 })).map((s) => s.asset)).toEqual([
      "TRX",
      USDT,
    ]);
  });

  it("refuses a token amount over its per-transaction cap, and unlimited approvals whatever the cap", () => {
    const over = tokenCall("transfer(address,uint256)", [SPENDER, 1_001n]);
    expect(reasonOf(() => check(tokenTx(over)))).toBe("token_per_transaction_cap");
    const uncapped = {
      ...POLICY,
      tokens: [{ ...TOKEN, maxPerTransaction: UINT256_MAX, maxPer24h: UINT256_MAX }],
    };
    for (const method of ["approve", "increaseAllowance"] as const) {
      const unlimited = tokenCall(`${method}(address,uint256)`, [SPENDER, UINT256_MAX]);
      expect(reasonOf(() => check(tokenTx(unlimited), uncapped))).toBe("unlimited_approval");
      const large = tokenCall(`${method}(address,uint256)`, [SPENDER, UINT256_MAX - 1n]);
      expect(check(tokenTx(large), uncapped)).toHaveLength(1);
    }
    const all = tokenCall("transfer(address,uint256)", [SPENDER, UINT256_MAX]);
    expect(check(tokenTx(all), uncapped)).toHaveLength(1);
  });

  it("refuses methods the token does not allow, malformed data and selectors not listed", () => {
    const transferOnly = { ...POLICY, tokens: [{ ...TOKEN, methods: ["transfer" as const] }] };
    const approve = tokenCall("approve(address,uint256)", [SPENDER, 1n]);
    expect(reasonOf(() => check(tokenTx(approve), transferOnly))).toBe("method_not_allowed");
    expect(reasonOf(() => check(tokenTx("a9059cbb00")))).toBe("calldata_malformed");
    expect(reasonOf(() => check(tokenTx(`${selectorOf("mint(address,uint256)")}${"00".repeat(64)}`)))).toBe(
      "selector_not_allowed",
    );
    expect(check(tokenTx(`${selectorOf("balanceOf(address)")}${"00".repeat(32)}`))).toEqual([]);
  });

  it("signs only transactions the device's own address owns", () => {
    const tx = decodeTransaction(transferHex({ amountSun: 1 }));
    expect(reasonOf(() => checkOwner(tx, TEST_ADDRESS))).toEqual({ returned: undefined });
    expect(reasonOf(() => checkOwner(tx, DEX))).toBe("owner_mismatch");
  });
});

describe("the message policy", () => {
  const policy = { service: "auth.example", domains: ["auth.example", "app.example"] };
  const by = { user: "user-1", request: "req-1" };

  it("signs the caller's text inside the service's envelope, never bare", () => {
    const signed = messageToSign("Pay invoice 42\nthanks\tteam", policy, by);
    expect(signed).not.toBe("Pay invoice 42\nthanks\tteam");
    expect(signed).toContain("auth.example");
    expect(signed).toContain("user-1");
    expect(signed).toContain("req-1");
    expect(signed).toContain("Pay invoice 42\nthanks\tteam");
  });

  it.each([
    ["a control character", "a\u0000b"],
    ["a carriage return", "a\rb"],
    ["a bidi override", "a\u202eb"],
    ["a zero-width joiner", "a\u200db"],
  ])("refuses %s", (_, text) => {
    expect(reasonOf(() => messageToSign(text, policy, by))).toBe("hidden_characters");
  });

  it("says which rule refused: naming the service is not the same as looking like a sign-in", () => {
    const detailOf = (text: string) => {
      try {
        messageToSign(text, policy, by);
      } catch (error) {
        return error instanceof AppError ? error.problem.detail : String(error);
      }
      return "signed";
    };
    expect(detailOf("visit app.example now")).toMatch(/domain/);
    expect(detailOf("nonce: 1\nissued at: 2")).toMatch(/^Sign-in messages/);
  });

  it("refuses text naming the service, and sign-in-like text", () => {
    expect(reasonOf(() => messageToSign("visit app.example now", policy, by))).toBe("names_service");
    const siwe = "x wants you to sign in with your Ethereum account:\n0xabc";
    const reason = reasonOf(() => messageToSign(siwe, policy, by));
    expect(typeof reason).toBe("string");
    expect(reason).not.toBe("names_service");
  });
});
