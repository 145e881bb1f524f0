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
