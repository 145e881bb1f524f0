import type { TokenRule } from "../config/wallet-tokens.ts";
import { TRC20_SELECTORS, UINT256_MAX } from "../tron/trc20-abi.ts";
import { policyDenied } from "./policy-denied.ts";
import type { DecodedTransaction } from "./transaction-types.ts";
import { decodeTokenCall, type Trc20Call } from "./trc20-calldata.ts";

export type SigningPolicy = {
  /** Contract types the device may sign, e.g. TransferContract, TriggerSmartContract. */
  allowedTypes: readonly string[];
  /** TriggerSmartContract targets signed without decoding (base58); only their TRX is capped. */
  allowedContracts: readonly string[];
  /** Allowlisted TRC-20 tokens: calls decoded by selector, capped in the token's own units. */
  tokens: readonly TokenRule[];
  /** In sun (1 TRX = 1e6 sun), for TRX moved by the transaction (amount or call_value). */
  maxPerTransactionSun: bigint;
  maxPer24hSun: bigint;
};

/** An amount the rolling 24-hour window must make room for before the device is asked. */
export type Spend = {
  /** "TRX", or the token's contract address. */
  asset: string;
  amount: bigint;
  cap24h: bigint;
  /** The refusal's reason when the window is full. */
  reason: string;
};

const TRC20_SELECTOR_SET = new Set<string>(Object.values(TRC20_SELECTORS));

/**
 * The per-transaction rules, before the device is asked. Returns what the transaction spends
 * against the rolling windows (checked inside the device queue by the spend ledger).
 */
export function checkTransaction(tx: DecodedTransaction, policy: SigningPolicy): Spend[] {
  const c = tx.contract;
  if (!policy.allowedTypes.includes(c.type))
    throw policyDenied("contract_type", "This kind of transaction is not allowed by the signing policy.");
  const sun = c.type === "TransferContract" ? c.amountSun : c.callValueSun;
  if (sun < 0n) throw policyDenied("amount", "The amount cannot be read.");
  if (sun > policy.maxPerTransactionSun)
    throw policyDenied("per_transaction_cap", "The amount is over the per-transaction cap.");
  const spends: Spend[] = [];
  if (sun > 0n)
    spends.push({ asset: "TRX", amount: sun, cap24h: policy.maxPer24hSun, reason: "per_24h_cap" });
  if (c.type === "TriggerSmartContract") {
    if (c.callTokenValue !== 0n || c.tokenId !== 0n)
      throw policyDenied("trc10_not_allowed", "Calls that send TRC-10 tokens are not allowed.");
    const token = policy.tokens.find((t) => t.address === c.contract);
    if (token) spends.push(...tokenSpends(c.data, token));
    else checkOpaqueCall(c.contract, c.data, policy);
  }
  return spends;
}

function checkOpaqueCall(contract: string, data: string, policy: SigningPolicy): void {
  if (!policy.allowedContracts.includes(contract))
    throw policyDenied("contract_not_allowed", "This contract is not on the signing allowlist.");
  // A token call to a contract not configured as a token would move tokens without any cap.
  if (TRC20_SELECTOR_SET.has(data.slice(0, 8).toLowerCase()))
    throw policyDenied("token_not_configured", "Token calls need the contract in WALLET_TOKENS.");
}

function tokenSpends(data: string, token: TokenRule): Spend[] {
  const decoded = decodeTokenCall(data);
  if (decoded.kind === "malformed")
    throw policyDenied("calldata_malformed", "The token call data is not a well-formed ABI call.");
  if (decoded.kind === "other") {
    if (token.otherSelectors.includes(decoded.selector)) return [];
    throw policyDenied("selector_not_allowed", `This call is not allowed on ${token.symbol}.`);
  }
  const call: Trc20Call = decoded.call;
  if (!token.methods.includes(call.method))
    throw policyDenied("method_not_allowed", `${call.method} is not allowed on ${token.symbol}.`);
  const approval = call.method === "approve" || call.method === "increaseAllowance";
  if (approval && call.amount === UINT256_MAX)
    throw policyDenied("unlimited_approval", "Unlimited approvals are never signed.");
  if (call.amount > token.maxPerTransaction)
    throw policyDenied(
      "token_per_transaction_cap",
      `The ${token.symbol} amount is over the per-transaction cap.`,
    );
  // Approvals count too: an allowance is tokens a spender may move without asking again.
  return call.amount > 0n
    ? [{ asset: token.address, amount: call.amount, cap24h: token.maxPer24h, reason: "token_per_24h_cap" }]
    : [];
}

/** The device signs with the key of `path`; a transaction owned by another account is not its to sign. */
export function checkOwner(tx: DecodedTransaction, deviceAddress: string): void {
  if (tx.contract.owner !== deviceAddress)
    throw policyDenied(
      "owner_mismatch",
      "The transaction's owner is not the device's address for this path.",
    );
}
