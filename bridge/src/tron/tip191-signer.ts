import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { encodeTronAddress } from "@tron-auth/shared/siwt";

const PREFIX = new TextEncoder().encode("\x19TRON Signed Message:\n");
const encoder = new TextEncoder();

/** keccak256("\x19TRON Signed Message:\n" + decimal byte length + message): what signMessageV2 signs. */
export function tip191Digest(message: string): Uint8Array {
  const body = encoder.encode(message);
  const length = encoder.encode(String(body.length));
  const bytes = new Uint8Array(PREFIX.length + length.length + body.length);
  bytes.set(PREFIX, 0);
  bytes.set(length, PREFIX.length);
  bytes.set(body, PREFIX.length + length.length);
  return keccak_256(bytes);
}

/**
 * The TRON address whose key made (r, s) with recovery bit `recovery` over `digest`: the last
 * 20 bytes of keccak256 of the uncompressed public key, behind the 0x41 prefix. Throws when no
 * key does (r is no curve point's x, or the result is the point at infinity).
 */
export function recoverTronSigner(digest: Uint8Array, r: bigint, s: bigint, recovery: 0 | 1): string {
  const publicKey = new secp256k1.Signature(r, s, recovery).recoverPublicKey(digest).toBytes(false);
  return encodeTronAddress(keccak_256(publicKey.subarray(1)).subarray(12));
}
