import { createHash } from "node:crypto";
import { AppError } from "@tron-auth/shared/problems";
import { TronWeb, utils } from "tronweb";
import { policyDenied } from "./policy-denied.ts";
import type { DecodedContract, DecodedTransaction } from "./transaction-types.ts";

const RAW_HEX = /^(?:[0-9a-fA-F]{2}){1,65536}$/;
const SUPPORTED = ["TransferContract", "TriggerSmartContract"] as const;
const base58 = (hex: unknown) => TronWeb.address.fromHex(String(hex));
const int = (v: unknown) => BigInt(Number(v ?? 0));

/** Decodes the raw transaction with tronweb and computes the txID the device signs. */
export function decodeTransaction(rawDataHex: string): DecodedTransaction {
  if (!RAW_HEX.test(rawDataHex)) throw new AppError("validation_failed", "rawDataHex must be hex.");
  const txID = createHash("sha256").update(Buffer.from(rawDataHex, "hex")).digest("hex");
  for (const type of SUPPORTED) {
    let value: Record<string, unknown> | undefined;
    try {
      value = utils.deserializeTx.deserializeTransaction(type, rawDataHex).contract?.[0]?.parameter?.value as
        | Record<string, unknown>
        | undefined;
    } catch {
      continue;
    }
    if (!value) continue;
    const owner = base58(value.owner_address);
    const contract: DecodedContract =
      type === "TransferContract"
        ? { type, owner, to: base58(value.to_address), amountSun: int(value.amount) }
        : {
            type,
            owner,
            contract: base58(value.contract_address),
            callValueSun: int(value.call_value),
            data: String(value.data ?? "").toLowerCase(),
            callTokenValue: int(value.call_token_value),
            tokenId: int(value.token_id),
          };
    return { txID, contract };
  }
  throw policyDenied("contract_type", "This kind of transaction is not allowed by the signing policy.");
}
