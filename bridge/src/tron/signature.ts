import { utils } from "tronweb";

export type SignatureCheck =
  | { ok: true; address: string }
  | { ok: false; reason: "signature_malformed" | "signature_high_s" | "signature_mismatch" };

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;
const SIGNATURE = /^(0x)?[0-9a-fA-F]{130}$/;

/**
 * TIP-191 (signMessageV2) verification. tronweb's verifyMessage never says "no": it recovers
 * some address from any signature, so the recovered address is compared with the message's.
 * High-S twins (s' = n - s) recover the same signer; they are refused so each login has exactly
 * one valid signature encoding.
 */
export function verifyTronMessageSignature(
  message: string,
  signature: string,
  expectedAddress: string,
): SignatureCheck {
  if (!SIGNATURE.test(signature)) return { ok: false, reason: "signature_malformed" };
  const hex = signature.replace(/^0x/, "");
  const r = BigInt(`0x${hex.slice(0, 64)}`);
  const s = BigInt(`0x${hex.slice(64, 128)}`);
  const v = Number.parseInt(hex.slice(128, 130), 16);
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N || ![0, 1, 27, 28].includes(v)) {
    return { ok: false, reason: "signature_malformed" };
  }
  if (s > HALF_N) return { ok: false, reason: "signature_high_s" };
  const normalized = `0x${hex.slice(0, 128)}${(v < 27 ? v + 27 : v).toString(16)}`;
  let recovered: string;
  try {
    recovered = utils.message.verifyMessage(message, normalized);
  } catch {
    return { ok: false, reason: "signature_malformed" };
  }
  return recovered === expectedAddress
    ? { ok: true, address: recovered }
    : { ok: false, reason: "signature_mismatch" };
}
