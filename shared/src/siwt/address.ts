import { sha256 } from "@noble/hashes/sha2.js";
import { createBase58check } from "@scure/base";
import * as z from "zod/mini";

const b58check = createBase58check(sha256);
const TRON_PREFIX = 0x41;

/** TRON addresses: base58check over 0x41 + 20 bytes (audited codecs, no Node APIs). */
export function isTronAddress(value: string): boolean {
  if (value.length !== 34 || value[0] !== "T") return false;
  try {
    const bytes = b58check.decode(value);
    return bytes.length === 21 && bytes[0] === TRON_PREFIX;
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

export const tronAddressSchema = z.string().check(z.refine(isTronAddress, "not a valid TRON address"));
