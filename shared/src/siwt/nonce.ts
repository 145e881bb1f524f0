import { base58 } from "@scure/base";

/** 24 random bytes (192 bits) as base58: comfortably over the 128-bit floor, URL- and message-safe. */
export function generateNonce(): string {
  return base58.encode(crypto.getRandomValues(new Uint8Array(24)));
}
