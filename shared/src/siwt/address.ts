import { sha256 } from "@noble/hashes/sha2.js";
import { createBase58check } from "@scure/base";
import * as z from "zod/mini";

const b58check = createBase58check(sha256);
const TRON_PREFIX = 0x41;

/**
 * A TRON address's 21 bytes (0x41 + 20): base58check with audited codecs, no Node APIs. Throws a
 * RangeError for anything else.
 */
export function decodeTronAddress(value: string): Uint8Array {
  if (value.length !== 34 || value[0] !== "T") throw new RangeError("not a TRON address");
  const bytes = b58check.decode(value);
  if (bytes.length !== 21 || bytes[0] !== TRON_PREFIX) throw new RangeError("not a TRON address");
  return bytes;
}

export function isTronAddress(value: string): boolean {
  try {
    decodeTronAddress(value);
    return true;
  } catch {
    return false;
  }
}

export function encodeTronAddress(body20: Uint8Array): string {
  if (body20.length !== 20) throw new RangeError("a TRON address body is 20 bytes");
  const bytes = new Uint8Array(21);
  bytes[0] = TRON_PREFIX;
  bytes.set(body20, 1);
  return b58check.encode(bytes);
}

/**
 * A mainnet-style TRON address: the pattern is what a schema can state (and the document shows),
 * the base58check checksum is what it cannot (checked by the refinement).
 */
export const tronAddressSchema = z.string().check(
  z.regex(/^T[1-9A-HJ-NP-Za-km-z]{33}$/, "not a valid TRON address"),
  z.refine(isTronAddress, "not a valid TRON address"),
  z.meta({
    description: "A base58check TRON address (T..., 34 characters); the checksum must hold (400 otherwise).",
  }),
);
