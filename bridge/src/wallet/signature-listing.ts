import { SIGNED_MESSAGE_HEADER, type WalletPolicy, type WalletSignature } from "@tron-auth/shared/protocol";
import type { TokenRule } from "../config/wallet-tokens.ts";
import type { OperationDoc } from "./operation-store.ts";
import type { SigningPolicy } from "./policy.ts";
import { decodeTransaction } from "./transaction-decoder.ts";
import { summarizeTransaction } from "./transaction-summary.ts";

/** How much of a signed message the listing repeats: enough to recognise it, not a copy. */
const MESSAGE_PREVIEW = 200;

/**
 * A stored operation as the console lists it. The summary is decoded again from the signed bytes
 * (a transaction's raw_data, a message's envelope), so the listing shows what was signed, not
 * what anyone said about it; a failed or pending operation has no signed bytes and no summary.
 */
export function describeOperation(doc: OperationDoc, tokens: readonly TokenRule[]): WalletSignature {
  const base: WalletSignature = {
    id: doc._id,
    kind: doc.kind,
    status: doc.status,
    userId: doc.userId,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    ...(doc.problem ? { problemCode: doc.problem.code } : {}),
  };
  const result = doc.result;
  if (!result) return base;
  if ("signedTransaction" in result) {
    const tx = decodeTransaction(result.signedTransaction.raw_data_hex);
    const { type, action, text } = summarizeTransaction(tx, tokens);
    return { ...base, txID: tx.txID, summary: { type, action, text } };
  }
  return { ...base, summary: { type: "message", text: `sign message: ${callerText(result.signedMessage)}` } };
}

/** The caller's own text inside the service's envelope (after its header lines), shortened. */
function callerText(signed: string): string {
  const body = signed.startsWith(`${SIGNED_MESSAGE_HEADER}\n`)
    ? signed.slice(signed.indexOf("\n\n") + 2)
    : signed;
  return body.length > MESSAGE_PREVIEW ? `${body.slice(0, MESSAGE_PREVIEW)}…` : body;
}

/** The signing policy as the console shows it; caps as decimal strings (JSON has no bigint). */
export function policyView(
  policy: SigningPolicy,
  paths: { defaultPath: string; allowedPaths: readonly string[] },
): WalletPolicy {
  return {
    defaultPath: paths.defaultPath,
    allowedPaths: [...paths.allowedPaths],
    allowedTypes: [...policy.allowedTypes],
    allowedContracts: [...policy.allowedContracts],
    maxPerTransactionSun: policy.maxPerTransactionSun.toString(),
    maxPer24hSun: policy.maxPer24hSun.toString(),
    tokens: policy.tokens.map((t) => ({
      symbol: t.symbol,
      address: t.address,
      decimals: t.decimals,
      methods: [...t.methods],
      otherSelectors: [...t.otherSelectors],
      maxPerTransaction: t.maxPerTransaction.toString(),
      maxPer24h: t.maxPer24h.toString(),
    })),
  };
}
