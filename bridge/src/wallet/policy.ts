import { createHash } from "node:crypto";
import { AppError } from "@tron-auth/shared/problems";
import { TronWeb, utils } from "tronweb";

export type SigningPolicy = {
  /** Contract types the device may sign, e.g. TransferContract, TriggerSmartContract. */
  allowedTypes: readonly string[];
  /** TriggerSmartContract targets allowed (base58); empty: none. */
  allowedContracts: readonly string[];
  /** In sun (1 TRX = 1e6 sun), for TRX moved by the transaction (amount or call_value). */
  maxPerTransactionSun: number;
  maxPerDaySun: number;
};

export type DecodedTransaction = { txID: string; type: string; amountSun: number; to: string | null };

const RAW_HEX = /^(?:[0-9a-fA-F]{2}){1,65536}$/;

const base58 = (hex: string) => TronWeb.address.fromHex(hex);

/**
 * Decodes the raw transaction with tronweb, trying only the allowed contract types (a type
 * outside the policy is never decoded, only refused), and computes the txID the device signs.
 */
export function decodeTransaction(rawDataHex: string, policy: SigningPolicy): DecodedTransaction {
  if (!RAW_HEX.test(rawDataHex)) throw new AppError("validation_failed", "rawDataHex must be hex.");
  const txID = createHash("sha256").update(Buffer.from(rawDataHex, "hex")).digest("hex");
  for (const type of policy.allowedTypes) {
    let decoded: ReturnType<typeof utils.deserializeTx.deserializeTransaction>;
    try {
      decoded = utils.deserializeTx.deserializeTransaction(type, rawDataHex);
    } catch {
      continue;
    }
    const value = decoded.contract?.[0]?.parameter?.value as Record<string, unknown> | undefined;
    if (!value) continue;
    if (type === "TransferContract") {
      return { txID, type, amountSun: Number(value.amount ?? 0), to: base58(String(value.to_address)) };
    }
    if (type === "TriggerSmartContract") {
      return {
        txID,
        type,
        amountSun: Number(value.call_value ?? 0),
        to: base58(String(value.contract_address)),
      };
    }
    return { txID, type, amountSun: 0, to: null };
  }
  throw new AppError(
    "signing_policy_denied",
    "This kind of transaction is not allowed by the signing policy.",
    {
      reason: "contract_type",
    },
  );
}

/** The per-transaction checks; the day cap is the spend ledger's, inside the device queue. */
export function checkTransaction(tx: DecodedTransaction, policy: SigningPolicy): void {
  const deny = (reason: string, detail: string) => new AppError("signing_policy_denied", detail, { reason });
  if (!Number.isSafeInteger(tx.amountSun) || tx.amountSun < 0)
    throw deny("amount", "The amount cannot be read.");
  if (tx.type === "TriggerSmartContract" && (!tx.to || !policy.allowedContracts.includes(tx.to))) {
    throw deny("contract_not_allowed", "This contract is not on the signing allowlist.");
  }
  if (tx.amountSun > policy.maxPerTransactionSun) {
    throw deny("per_transaction_cap", "The amount is over the per-transaction cap.");
  }
}
