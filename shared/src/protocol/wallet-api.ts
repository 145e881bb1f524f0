import * as z from "zod/mini";
import { problemSchema } from "../problems/problem.ts";

/** The wallet calls between worker and bridge, and the results the worker passes on to clients. */

/** A TRON BIP-44 derivation path (the `m/` prefix is optional). */
export const TRON_PATH_PATTERN = /^(m\/)?44'\/195'\/\d{1,9}'\/\d{1,9}\/\d{1,9}$/;
/** "m/44'/195'/0'/0/0" and "44'/195'/0'/0/0" name the same key; the device takes the latter. */
export const normalizeDerivationPath = (path: string): string => path.replace(/^m\//, "");
export const derivationPathSchema = z
  .string()
  .check(z.regex(TRON_PATH_PATTERN, "a TRON BIP-44 path like 44'/195'/0'/0/0"));

/** The protobuf `raw_data` of a transaction, as hex; 64 KiB is far beyond any real transaction. */
export const RAW_DATA_HEX_MAX = 131_072;
export const rawDataHexSchema = z
  .string()
  .check(z.regex(/^(?:[0-9a-fA-F]{2})+$/, "hex bytes"), z.maxLength(RAW_DATA_HEX_MAX));
export const MESSAGE_MAX = 8_192;
export const messageTextSchema = z.string().check(z.minLength(1), z.maxLength(MESSAGE_MAX));

/**
 * Signing is idempotent per user and key: the client names each signing request, and a retry
 * (after a timeout, while a person still confirms on the device) gets the first request's outcome
 * instead of a second signature. Keys are remembered for WALLET_OPERATION_TTL_MS.
 */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{16,128}$/;
export const idempotencyKeySchema = z
  .string()
  .check(z.regex(IDEMPOTENCY_KEY_PATTERN, "16-128 characters: letters, digits, _ . : -"));
export const WALLET_OPERATION_TTL_MS = 24 * 60 * 60_000;

/**
 * How long the bridge waits for a signing operation before answering "pending" (202). Below the
 * worker's timeout for the call (this plus a margin), so the answer always arrives.
 */
export const WALLET_SIGN_WAIT_MS = 3_000;

export const signTransactionCallSchema = z.strictObject({
  idempotencyKey: idempotencyKeySchema,
  rawDataHex: rawDataHexSchema,
  path: z.optional(derivationPathSchema),
});
export type SignTransactionCall = z.infer<typeof signTransactionCallSchema>;

export const signMessageCallSchema = z.strictObject({
  idempotencyKey: idempotencyKeySchema,
  message: messageTextSchema,
  path: z.optional(derivationPathSchema),
});
export type SignMessageCall = z.infer<typeof signMessageCallSchema>;

export const walletInfoSchema = z.object({
  status: z.string(),
  driver: z.string(),
  appVersion: z.nullable(z.string()),
  address: z.nullable(z.string()),
  /** Operations running on the device or queued for it (a person may be confirming one). */
  pending: z.int().check(z.nonnegative()),
});

export const signedTransactionSchema = z.object({
  txID: z.string(),
  signature: z.string(),
  signedTransaction: z.object({
    txID: z.string(),
    raw_data_hex: z.string(),
    signature: z.array(z.string()),
  }),
});
export type SignedTransaction = z.infer<typeof signedTransactionSchema>;

export const signedMessageSchema = z.object({
  address: z.string(),
  signature: z.string(),
  /** The exact text the device signed (the envelope around the caller's message). */
  signedMessage: z.string(),
});
export type SignedMessage = z.infer<typeof signedMessageSchema>;

export const WALLET_OPERATION_ID_PATTERN = /^wop_[0-9a-f]{32}$/;

/** A signing request as the bridge keeps it: waiting for the device, or its outcome. */
export const walletOperationSchema = z.object({
  id: z.string().check(z.regex(WALLET_OPERATION_ID_PATTERN)),
  kind: z.enum(["transaction", "message"]),
  status: z.enum(["pending", "succeeded", "failed"]),
  createdAt: z.string(),
  updatedAt: z.string(),
  result: z.optional(z.union([signedTransactionSchema, signedMessageSchema])),
  problem: z.optional(problemSchema),
});
export type WalletOperation = z.infer<typeof walletOperationSchema>;

/** Whole base units as a decimal string: caps may exceed what a JSON number holds exactly. */
const baseUnitsText = z.string().check(z.regex(/^[0-9]{1,78}$/));

/** What the signing policy allows, as the console shows it (GET /v1/wallet/policy). */
export const walletPolicySchema = z.object({
  defaultPath: z.string(),
  /** Paths besides the default that a request may name. */
  allowedPaths: z.array(z.string()),
  allowedTypes: z.array(z.string()),
  /** Contracts called without decoding (only the TRX they carry is capped). */
  allowedContracts: z.array(z.string()),
  maxPerTransactionSun: baseUnitsText,
  maxPer24hSun: baseUnitsText,
  tokens: z.array(
    z.object({
      symbol: z.string(),
      address: z.string(),
      decimals: z.int(),
      methods: z.array(z.string()),
      otherSelectors: z.array(z.string()),
      maxPerTransaction: baseUnitsText,
      maxPer24h: baseUnitsText,
    }),
  ),
});
export type WalletPolicy = z.infer<typeof walletPolicySchema>;

/**
 * A recent signing operation for the console (GET /v1/wallet/signatures): who asked, its outcome
 * and, for a signature made, what was signed, decoded (the transaction's action and amounts, or
 * the message's text). The signature itself is not listed: the requester already has it.
 */
export const walletSignatureSchema = z.object({
  id: z.string().check(z.regex(WALLET_OPERATION_ID_PATTERN)),
  kind: z.enum(["transaction", "message"]),
  status: z.enum(["pending", "succeeded", "failed"]),
  userId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  txID: z.optional(z.string()),
  summary: z.optional(
    z.object({
      type: z.string(),
      /** One line a person reads, e.g. "send 1.5 TRX to T…". */
      text: z.string(),
      action: z.optional(z.string()),
    }),
  ),
  /** Why a failed operation failed (its problem code). */
  problemCode: z.optional(z.string()),
});
export type WalletSignature = z.infer<typeof walletSignatureSchema>;

/** Operations are kept WALLET_OPERATION_TTL_MS, so "recent" is at most the last day. */
export const WALLET_SIGNATURES_MAX = 100;
export const walletSignaturesQuerySchema = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(WALLET_SIGNATURES_MAX))),
});
export const walletSignaturesSchema = z.object({ signatures: z.array(walletSignatureSchema) });
