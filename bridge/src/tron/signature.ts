import { recoverTronSigner, tip191Digest } from "./tip191-signer.ts";

export type SignatureCheck =
  | { ok: true; address: string }
  | { ok: false; reason: "signature_malformed" | "signature_high_s" | "signature_mismatch" };

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;
const SIGNATURE = /^(0x)?[0-9a-fA-F]{130}$/;
/** With the u flag a surrogate pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * TIP-191 (signMessageV2) verification. Public-key recovery never says "no": it yields some
 * key for almost any signature, so the recovered address is compared with the message's.
 * High-S twins (s' = n - s) recover the same signer; they are refused so each login has exactly
 * one valid signature encoding. Recovery uses the audited noble secp256k1 directly rather than
 * tronweb (ethers over an older noble): the same result at a fraction of the memory and CPU, which
 * a test cross-checks against tronweb on random keys, messages and tampered signatures.
 */
export function verifyTronMessageSignature(
  message: string,
  signature: string,
  expectedAddress: string,
): SignatureCheck {
  // A lone surrogate has no UTF-8 encoding: no wallet can have signed its bytes (tronweb throws).
  if (!SIGNATURE.test(signature) || LONE_SURROGATE.test(message))
    return { ok: false, reason: "signature_malformed" };
  // Stryker disable next-line Regex: SIGNATURE admits "0x" only in front, so an unanchored /0x/ is the same.
  const hex = signature.replace(/^0x/, "");
  const r = BigInt(`0x${hex.slice(0, 64)}`);
  const s = BigInt(`0x${hex.slice(64, 128)}`);
  const v = Number.parseInt(hex.slice(128, 130), 16);
  // Checked here although noble's Signature refuses these too (so mutants of this line are
  // equivalent: the recovery's catch answers the same), so the refusal does not rest on a library.
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator
  if (r === 0n || r >= SECP256K1_N || s === 0n) return { ok: false, reason: "signature_malformed" };
  // s >= n is refused as malformed before the high-S check would call it merely high.
  if (s >= SECP256K1_N || ![0, 1, 27, 28].includes(v)) return { ok: false, reason: "signature_malformed" };
  if (s > HALF_N) return { ok: false, reason: "signature_high_s" };
  let recovered: string;
  try {
    recovered = recoverTronSigner(tip191Digest(message), r, s, v === 0 || v === 27 ? 0 : 1);
  } catch {
    return { ok: false, reason: "signature_malformed" };
  }
  return recovered === expectedAddress
    ? { ok: true, address: recovered }
    : { ok: false, reason: "signature_mismatch" };
}
