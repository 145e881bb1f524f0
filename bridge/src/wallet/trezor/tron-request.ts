import { AppError } from "@tron-auth/shared/problems";
import { decodeTronAddress } from "@tron-auth/shared/siwt";
import { type OutField, writeFields } from "../protobuf-wire.ts";
import type { DecodedTransaction } from "../transaction-types.ts";

/** The request @trezor/connect's tronSignTransaction takes (hex strings for bytes). */
export type TronSignRequest = {
  path: string;
  ref_block_bytes: string;
  ref_block_hash: string;
  expiration: number;
  timestamp: number;
  fee_limit?: number;
  data?: string;
  contract: [
    | {
        type: "TransferContract";
        parameter: { value: { owner_address: string; to_address: string; amount: string } };
      }
    | {
        type: "TriggerSmartContract";
        parameter: { value: { owner_address: string; contract_address: string; data: string } };
      },
  ];
};

const TYPE_URL = "type.googleapis.com/protocol.";
const CONTRACT_NUMBER = { TransferContract: 1n, TriggerSmartContract: 31n } as const;
/** The firmware refuses notes over 256 bytes and fee limits over 15,000 TRX (core/src/apps/tron). */
const MAX_NOTE = 256;
const MAX_FEE_LIMIT = 15_000_000_000n;

const cannot = (reason: string, detail: string) =>
  new AppError("unsupported_by_device", `A Trezor cannot sign this transaction: ${detail}`, { reason });

function safeNumber(name: string, v: bigint | undefined): number {
  if (v === undefined) throw cannot("missing_field", `${name} is required by the firmware.`);
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw cannot("out_of_range", `${name} is out of range.`);
  return Number(v);
}

// The addresses come from the policy's own decoding, so they are valid here.
const addressBytes = (base58: string) => Buffer.from(decodeTronAddress(base58));
const hexAddress = (base58: string) => addressBytes(base58).toString("hex");

/**
 * The bytes the firmware will hash and sign for `request`: it rebuilds TronRawTransaction from the
 * fields (proto2 rules: required fields always written, optional ones when set, field-number
 * order), so its raw data can differ from the one approved if the approved one was encoded
 * otherwise (a zero amount written out or left out, a missing timestamp).
 */
function firmwareRawData(r: TronSignRequest, contract: DecodedTransaction["contract"]): Buffer {
  const parameter =
    contract.type === "TransferContract"
      ? writeFields([
          { number: 1, bytes: addressBytes(contract.owner) },
          { number: 2, bytes: addressBytes(contract.to) },
          { number: 3, varint: contract.amountSun },
        ])
      : writeFields([
          { number: 1, bytes: addressBytes(contract.owner) },
          { number: 2, bytes: addressBytes(contract.contract) },
          { number: 4, bytes: Buffer.from(contract.data, "hex") },
        ]);
  const any = writeFields([
    { number: 1, bytes: Buffer.from(`${TYPE_URL}${contract.type}`, "utf8") },
    { number: 2, bytes: parameter },
  ]);
  const contractBytes = writeFields([
    { number: 1, varint: CONTRACT_NUMBER[contract.type] },
    { number: 2, bytes: any },
  ]);
  const fields: OutField[] = [
    { number: 1, bytes: Buffer.from(r.ref_block_bytes, "hex") },
    { number: 4, bytes: Buffer.from(r.ref_block_hash, "hex") },
    { number: 8, varint: BigInt(r.expiration) },
    ...(r.data === undefined ? [] : [{ number: 10, bytes: Buffer.from(r.data, "hex") }]),
    { number: 11, bytes: contractBytes },
    { number: 14, varint: BigInt(r.timestamp) },
    ...(r.fee_limit === undefined ? [] : [{ number: 18, varint: BigInt(r.fee_limit) }]),
  ];
  return writeFields(fields);
}

/**
 * A Trezor signs structured fields, not bytes: this turns the transaction the policy decoded
 * into the firmware's request, and refuses before the device is asked when the firmware could
 * not sign it or would sign other bytes than the ones approved (its signature is over its own
 * serialization, so only a byte-identical rebuild yields the approved txID).
 */
export function tronSignRequest(path: string, tx: DecodedTransaction, rawDataHex: string): TronSignRequest {
  const h = tx.header;
  const c = tx.contract;
  if (h.refBlockNum !== undefined) throw cannot("ref_block_num", "the firmware has no ref_block_num field.");
  if (!h.refBlockBytes || !h.refBlockHash)
    throw cannot("missing_field", "ref_block_bytes and ref_block_hash are required by the firmware.");
  if (h.memo && h.memo.length > MAX_NOTE) throw cannot("note_too_long", "the note is over 256 bytes.");
  if (h.feeLimit !== undefined && h.feeLimit > MAX_FEE_LIMIT)
    throw cannot("fee_limit", "the fee limit is over 15,000 TRX.");
  let contract: TronSignRequest["contract"][0];
  if (c.type === "TransferContract") {
    contract = {
      type: c.type,
      parameter: {
        value: {
          owner_address: hexAddress(c.owner),
          to_address: hexAddress(c.to),
          amount: c.amountSun.toString(),
        },
      },
    };
  } else {
    // The TriggerSmartContract message of the firmware's client has no call_value or token fields.
    if (c.callValueSun !== 0n || c.callTokenValue !== 0n || c.tokenId !== 0n)
      throw cannot("call_value", "contract calls that send TRX or TRC-10 tokens are not supported.");
    if (c.data === "") throw cannot("empty_call", "a contract call without call data is not supported.");
    contract = {
      type: c.type,
      parameter: {
        value: { owner_address: hexAddress(c.owner), contract_address: hexAddress(c.contract), data: c.data },
      },
    };
  }
  const request: TronSignRequest = {
    path,
    ref_block_bytes: h.refBlockBytes.toString("hex"),
    ref_block_hash: h.refBlockHash.toString("hex"),
    expiration: safeNumber("expiration", h.expiration),
    timestamp: safeNumber("timestamp", h.timestamp),
    ...(h.feeLimit === undefined ? {} : { fee_limit: safeNumber("fee_limit", h.feeLimit) }),
    ...(h.memo === undefined ? {} : { data: h.memo.toString("hex") }),
    contract: [contract],
  };
  if (!firmwareRawData(request, c).equals(Buffer.from(rawDataHex, "hex")))
    throw cannot("encoding", "the firmware would rebuild different raw data than the one approved.");
  return request;
}
