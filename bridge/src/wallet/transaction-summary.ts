import type { TokenRule } from "../config/wallet-tokens.ts";
import { TRC20_SELECTORS } from "../tron/trc20-abi.ts";
import type { DecodedTransaction } from "./transaction-types.ts";
import { decodeTokenCall } from "./trc20-calldata.ts";
import { formatUnits, TRX_DECIMALS } from "./units.ts";

type Amount = { units: string; display: string };

/** What an auditor reads about a signature: decoded, in token units and human form. */
export type TransactionSummary = {
  type: string;
  action:
    | "trx_transfer"
    | "token_transfer"
    | "token_transfer_from"
    | "token_approve"
    | "token_increase_allowance"
    | "contract_call";
  owner: string;
  contract?: string;
  /** The TRC-20 token called (not "token": audit details mask keys that look like secrets). */
  trc20?: { symbol: string; address: string; decimals: number };
  amount?: Amount;
  to?: string;
  from?: string;
  spender?: string;
  selector?: string;
  trx: Amount;
  /** One line, e.g. "approve 1.5 USDT (TR7N...) for spender TX..". */
  text: string;
};

const amount = (units: bigint, decimals: number, symbol: string): Amount => ({
  units: units.toString(),
  display: `${formatUnits(units, decimals)} ${symbol}`,
});

/** Describes any decoded transaction; it never refuses (checkTransaction does). */
export function summarizeTransaction(
  tx: DecodedTransaction,
  tokens: readonly TokenRule[],
): TransactionSummary {
  const c = tx.contract;
  if (c.type === "TransferContract") {
    const trx = amount(c.amountSun, TRX_DECIMALS, "TRX");
    return {
      type: c.type,
      action: "trx_transfer",
      owner: c.owner,
      to: c.to,
      trx,
      text: `send ${trx.display} to ${c.to}`,
    };
  }
  const trx = amount(c.callValueSun, TRX_DECIMALS, "TRX");
  const base = { type: c.type, owner: c.owner, contract: c.contract, trx };
  const token = tokens.find((t) => t.address === c.contract);
  const decoded = decodeTokenCall(c.data);
  if (!token || decoded.kind !== "trc20") {
    const selector =
      decoded.kind === "trc20" ? TRC20_SELECTORS[decoded.call.method] : (decoded.selector ?? undefined);
    const what = token ? `${token.symbol} (${token.address})` : c.contract;
    return {
      ...base,
      action: "contract_call",
      ...(selector ? { selector } : {}),
      text: `call ${selector ? `0x${selector}` : "(no selector)"} on ${what} with ${trx.display}`,
    };
  }
  const t = { symbol: token.symbol, address: token.address, decimals: token.decimals };
  const units = amount(decoded.call.amount, token.decimals, token.symbol);
  const tokenText = `${units.display} (${token.address})`;
  const call = decoded.call;
  const common = { ...base, trc20: t, amount: units };
  switch (call.method) {
    case "transfer":
      return { ...common, action: "token_transfer", to: call.to, text: `send ${tokenText} to ${call.to}` };
    case "transferFrom":
      return {
        ...common,
        action: "token_transfer_from",
        from: call.from,
        to: call.to,
        text: `move ${tokenText} from ${call.from} to ${call.to}`,
      };
    case "approve":
      return {
        ...common,
        action: "token_approve",
        spender: call.spender,
        text: `approve ${tokenText} for ${call.spender}`,
      };
    case "increaseAllowance":
      return {
        ...common,
        action: "token_increase_allowance",
        spender: call.spender,
        text: `increase allowance by ${tokenText} for ${call.spender}`,
      };
  }
}
