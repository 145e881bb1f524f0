import { encodeTronAddress } from "@tron-auth/shared/siwt";
import { TRC20_METHODS, TRC20_SELECTORS, type Trc20Method } from "../tron/trc20-abi.ts";

export type Trc20Call =
  | { method: "transfer"; to: string; amount: bigint }
  | { method: "transferFrom"; from: string; to: string; amount: bigint }
  | { method: "approve" | "increaseAllowance"; spender: string; amount: bigint };

export type DecodedCall =
  | { kind: "trc20"; call: Trc20Call }
  | { kind: "other"; selector: string }
  | { kind: "malformed"; selector: string | null };

const WORD = 32;
const METHOD_BY_SELECTOR = new Map<string, Trc20Method>(
  TRC20_METHODS.map((method) => [TRC20_SELECTORS[method], method]),
);
const ARITY: Record<Trc20Method, number> = { transfer: 2, transferFrom: 3, approve: 2, increaseAllowance: 2 };

/** An ABI address word: 12 zero bytes, then the 20-byte account (TRON drops the 0x41 prefix). */
function addressWord(word: Buffer): string | null {
  if (word.subarray(0, 12).some((b) => b !== 0)) return null;
  return encodeTronAddress(word.subarray(12));
}

/**
 * Strict ABI decoding of a call to a token: a known selector must carry exactly its words, and
 * address words must be cleanly padded. Anything else is "malformed", never guessed at: a token
 * contract's own decoder may read dirty bits differently from ours.
 */
export function decodeTokenCall(dataHex: string): DecodedCall {
  const data = Buffer.from(dataHex, "hex");
  if (data.length < 4 || data.length * 2 !== dataHex.length) return { kind: "malformed", selector: null };
  const selector = data.subarray(0, 4).toString("hex");
  const method = METHOD_BY_SELECTOR.get(selector);
  if (!method) return { kind: "other", selector };
  const args = data.subarray(4);
  if (args.length !== ARITY[method] * WORD) return { kind: "malformed", selector };
  const word = (i: number) => args.subarray(i * WORD, (i + 1) * WORD);
  const uint = (i: number) => BigInt(`0x${word(i).toString("hex")}`);
  const malformed: DecodedCall = { kind: "malformed", selector };
  if (method === "transferFrom") {
    const [from, to] = [addressWord(word(0)), addressWord(word(1))];
    return from && to ? { kind: "trc20", call: { method, from, to, amount: uint(2) } } : malformed;
  }
  const party = addressWord(word(0));
  if (!party) return malformed;
  if (method === "transfer") return { kind: "trc20", call: { method, to: party, amount: uint(1) } };
  return { kind: "trc20", call: { method, spender: party, amount: uint(1) } };
}
