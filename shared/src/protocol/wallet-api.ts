import * as z from "zod/mini";

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

export const signTransactionCallSchema = z.strictObject({
  rawDataHex: rawDataHexSchema,
  path: z.optional(derivationPathSchema),
});
export type SignTransactionCall = z.infer<typeof signTransactionCallSchema>;

export const signMessageCallSchema = z.strictObject({
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
