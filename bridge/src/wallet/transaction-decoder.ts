import { createHash } from "node:crypto";
import { encodeTronAddress } from "@tron-auth/shared/siwt";
import { DECODABLE_TYPES } from "../tron/contract-types.ts";
import { policyDenied } from "./policy-denied.ts";
import { type MessageSpec, readMessage } from "./protobuf-message.ts";
import type { DecodedContract, DecodedTransaction } from "./transaction-types.ts";

// Field constructors, so each message below reads like its .proto: name, number, wire kind.
const bytes = (number: number) => ({ number, kind: "bytes" }) as const;
const varint = (number: number) => ({ number, kind: "varint" }) as const;
const repeatedBytes = (number: number) => ({ number, kind: "bytes", repeated: true }) as const;

/**
 * The fields of protocol.Transaction.raw (core/Tron.proto) a signable transaction may carry.
 * Absent on purpose: `auths` (9) and `scripts` (12), which no wallet transaction sets.
 */
// biome-ignore format: a message's fields side by side, as in the .proto
const RAW = {
  refBlockBytes: bytes(1), refBlockNum: varint(3), refBlockHash: bytes(4), expiration: varint(8),
  memo: bytes(10), contract: repeatedBytes(11), timestamp: varint(14), feeLimit: varint(18),
} as const satisfies MessageSpec;

/** protocol.Transaction.Contract without `provider` (3) and `ContractName` (4). */
const CONTRACT = {
  type: varint(1),
  parameter: bytes(2),
  permissionId: varint(5),
} as const satisfies MessageSpec;

const ANY = { typeUrl: bytes(1), value: bytes(2) } as const satisfies MessageSpec;

const TRANSFER = { owner: bytes(1), to: bytes(2), amount: varint(3) } as const satisfies MessageSpec;

// biome-ignore format: a message's fields side by side, as in the .proto
const TRIGGER = {
  owner: bytes(1), contract: bytes(2), callValue: varint(3), data: bytes(4), callTokenValue: varint(5),
  tokenId: varint(6),
} as const satisfies MessageSpec;

const RAW_HEX = /^(?:[0-9a-fA-F]{2}){1,65536}$/;
const TYPE_URL_PREFIX = "type.googleapis.com/protocol.";

/** proto3 int64: a varint read as two's complement; a negative amount is refused by the caller. */
const int64 = (v: bigint | undefined) => BigInt.asIntN(64, v ?? 0n);

function address(name: string, bytes: Buffer | undefined): string {
  if (bytes?.length !== 21 || bytes[0] !== 0x41)
    throw policyDenied("malformed_transaction", `${name} is not a TRON address.`);
  return encodeTronAddress(bytes.subarray(1));
}

function decodeContract(bytes: Buffer): DecodedContract {
  const c = readMessage("Contract", bytes, CONTRACT);
  // A permission other than owner (0) signs under another key set: the device would sign for it.
  if ((c.permissionId ?? 0n) !== 0n)
    throw policyDenied("permission_id", "Only the owner permission (0) is signed.");
  const type = Object.entries(DECODABLE_TYPES).find(([, n]) => n === (c.type ?? 0n))?.[0];
  if (!type || !c.parameter)
    throw policyDenied("contract_type", "This kind of transaction is not allowed by the signing policy.");
  const any = readMessage("Contract.parameter", c.parameter, ANY);
  if (any.typeUrl?.toString("utf8") !== `${TYPE_URL_PREFIX}${type}`)
    throw policyDenied("malformed_transaction", "The contract's type_url does not match its type.");
  const value = any.value ?? Buffer.alloc(0);
  if (type === "TransferContract") {
    const t = readMessage(type, value, TRANSFER);
    return {
      type,
      owner: address("owner_address", t.owner),
      to: address("to_address", t.to),
      amountSun: int64(t.amount),
    };
  }
  const t = readMessage("TriggerSmartContract", value, TRIGGER);
  return {
    type: "TriggerSmartContract",
    owner: address("owner_address", t.owner),
    contract: address("contract_address", t.contract),
    callValueSun: int64(t.callValue),
    data: (t.data ?? Buffer.alloc(0)).toString("hex"),
    callTokenValue: int64(t.callTokenValue),
    tokenId: int64(t.tokenId),
  };
}

/**
 * Decodes `raw_data` strictly, with every field and every contract read (tronweb's deserializer
 * reads only contract[0] and skips unknown fields, so a second contract or an extra field would
 * be signed unseen), and computes the txID the device signs.
 */
export function decodeTransaction(rawDataHex: string): DecodedTransaction {
  if (!RAW_HEX.test(rawDataHex)) throw policyDenied("malformed_transaction", "rawDataHex must be hex bytes.");
  const bytes = Buffer.from(rawDataHex, "hex");
  const txID = createHash("sha256").update(bytes).digest("hex");
  const raw = readMessage("Transaction.raw", bytes, RAW);
  const { contract, ...header } = raw;
  const [only, ...more] = contract;
  if (!only || more.length > 0)
    throw policyDenied("contract_count", "A transaction must hold exactly one contract.");
  return { txID, header, contract: decodeContract(only) };
}
