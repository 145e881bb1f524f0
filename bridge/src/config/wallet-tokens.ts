import { z } from "zod";
import { TRC20_METHODS, TRC20_SELECTORS, UINT256_MAX } from "../tron/trc20-abi.ts";
import { jsonText, tronAddress } from "./fields.ts";

/** Base units as a decimal string (any size) or a safe JSON integer; never a float. */
const baseUnits = z
  .union([z.string().regex(/^[0-9]{1,78}$/, "a whole number of base units"), z.number().int().min(0)])
  .refine((v) => typeof v === "string" || Number.isSafeInteger(v), "too large for a JSON number: quote it")
  .transform((v) => BigInt(v))
  .refine((v) => v < UINT256_MAX, "must be below 2^256-1 (an unlimited amount is never allowed)");

const KNOWN_SELECTORS = new Set<string>(Object.values(TRC20_SELECTORS));

const selector = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{8}$/, "a 4-byte selector in hex, e.g. 0x12345678")
  .transform((s) => s.replace(/^0x/, "").toLowerCase())
  .refine((s) => !KNOWN_SELECTORS.has(s), "a TRC-20 selector: list it by name in methods so it is decoded");

/**
 * One allowlisted TRC-20 token. Caps are in the token's base units (USDT has 6 decimals, so
 * "1000000" is 1 USDT) and count transfers, transferFroms, approvals and allowance increases.
 */
export const tokenRuleSchema = z
  .strictObject({
    address: tronAddress,
    symbol: z.string().regex(/^[A-Za-z0-9.$_-]{1,16}$/, "1-16 letters, digits or . $ _ -"),
    decimals: z.number().int().min(0).max(77),
    maxPerTransaction: baseUnits,
    maxPer24h: baseUnits,
    /** The decoded calls allowed; default transfer only. */
    methods: z.array(z.enum(TRC20_METHODS)).min(1).default(["transfer"]),
    /**
     * Other selectors allowed without decoding (their token amounts cannot be capped, only the
     * TRX they carry). Default none: an unknown call is refused.
     */
    otherSelectors: z.array(selector).max(16).default([]),
  })
  .refine((t) => t.maxPerTransaction <= t.maxPer24h, {
    message: "maxPerTransaction is over maxPer24h",
    path: ["maxPerTransaction"],
  });
export type TokenRule = z.infer<typeof tokenRuleSchema>;

/** WALLET_TOKENS: a JSON array of token rules, one per contract address. */
export const walletTokensJson = jsonText.pipe(
  z
    .array(tokenRuleSchema)
    .max(32)
    .refine(
      (tokens) => new Set(tokens.map((t) => t.address)).size === tokens.length,
      "a token is listed twice",
    ),
);
