import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { utils } from "tronweb";
import { describe, expect, it } from "vitest";
import { type SignatureCheck, verifyTronMessageSignature } from "../src/tron/signature.ts";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** secp256k1 private keys: 32 random bytes in 1..n-1, as a wallet draws them. */
const privateKeys = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map(bytesToHex)
  .filter((hex) => BigInt(`0x${hex}`) > 0n && BigInt(`0x${hex}`) < N);

/** Sign-in-like text, any Unicode (astral planes included), and empty messages. */
const messages = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 400 }),
  fc.string({ unit: "binary-ascii", maxLength: 400 }),
  fc.string({ unit: "binary", maxLength: 60 }),
);

/**
 * The verifier the bridge used before: tronweb's own recovery (ethers), with its refusals mapped
 * the way the bridge mapped them. The oracle every case below is compared with.
 */
function tronwebAnswer(message: string, signature: string, expected: string): SignatureCheck["ok"] | string {
  const hex = signature.replace(/^0x/, "");
  const v = Number.parseInt(hex.slice(128, 130), 16);
  // ethers also reads v >= 35 as EIP-155 chain-encoded; TIP-191 has only 27/28 (or 0/1).
  if (![0, 1, 27, 28].includes(v)) return "signature_malformed";
  try {
    const normalized = `0x${hex.slice(0, 128)}${(v < 27 ? v + 27 : v).toString(16)}`;
    return utils.message.verifyMessage(message, normalized) === expected ? true : "signature_mismatch";
  } catch (error) {
    return /non-canonical s/.test(String(error)) ? "signature_high_s" : "signature_malformed";
  }
}

const answer = (check: SignatureCheck) => (check.ok ? true : check.reason);

type Tampering = { kind: "bit"; bit: number } | { kind: "v"; v: number } | { kind: "message"; extra: string };

/** One change an attacker (or a broken client) could make to a genuine signature or message. */
const tamperings: fc.Arbitrary<Tampering> = fc.oneof(
  fc.record({ kind: fc.constant("bit" as const), bit: fc.integer({ min: 0, max: 519 }) }),
  fc.record({ kind: fc.constant("v" as const), v: fc.constantFrom(0, 1, 27, 28) }),
  fc.record({ kind: fc.constant("message" as const), extra: fc.string({ minLength: 1, maxLength: 3 }) }),
);

function tamper(message: string, signature: string, t: Tampering) {
  if (t.kind === "message") return { message: `${message}${t.extra}`, signature };
  const bytes = Buffer.from(signature.replace(/^0x/, ""), "hex");
  if (t.kind === "v") bytes[64] = t.v;
  else bytes[t.bit >> 3] = (bytes[t.bit >> 3] ?? 0) ^ (1 << (t.bit & 7));
  return { message, signature: `0x${bytes.toString("hex")}` };
}

describe("TIP-191 verification agrees with tronweb", () => {
  it("recovers the signer of tronweb's signMessageV2 for random keys and messages", () => {
    fc.assert(
      fc.property(privateKeys, messages, (key, message) => {
        const address = utils.address.fromPrivateKey(key) as string;
        const signature = utils.message.signMessage(message, key) as string;
        expect(verifyTronMessageSignature(message, signature, address)).toEqual({ ok: true, address });
        expect(tronwebAnswer(message, signature, address)).toBe(true);
      }),
      { numRuns: 1_500 },
    );
  }, 180_000);

  it("refuses tampered signatures and messages exactly as tronweb's recovery does", () => {
    let refused = 0;
    fc.assert(
      fc.property(privateKeys, messages, tamperings, (key, original, change) => {
        const address = utils.address.fromPrivateKey(key) as string;
        const genuine = utils.message.signMessage(original, key) as string;
        const { message, signature } = tamper(original, genuine, change);
        const ours = answer(verifyTronMessageSignature(message, signature, address));
        expect(ours).toBe(tronwebAnswer(message, signature, address));
        if (ours !== true) refused++;
      }),
      { numRuns: 1_500 },
    );
    // Most changes must be refusals (only v 0 <-> 27 and 1 <-> 28 keep the signer).
    expect(refused).toBeGreaterThan(1_000);
  }, 180_000);

  it("answers random (r, s, v) as tronweb does, and never finds them valid", () => {
    const signatures = fc
      .tuple(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.constantFrom(0, 1, 27, 28))
      .map(([rs, v]) => `${bytesToHex(rs)}${v.toString(16).padStart(2, "0")}`);
    fc.assert(
      fc.property(privateKeys, messages, signatures, (key, message, signature) => {
        const address = utils.address.fromPrivateKey(key) as string;
        const ours = answer(verifyTronMessageSignature(message, signature, address));
        expect(ours).not.toBe(true);
        expect(ours).toBe(tronwebAnswer(message, signature, address));
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);

  it("refuses a message with a lone surrogate (no UTF-8 bytes exist for it; tronweb throws)", () => {
    const key = "11".repeat(32);
    const address = utils.address.fromPrivateKey(key) as string;
    const lone = "sign in \ud800";
    // Signed over the bytes a lenient encoder would write (U+FFFD), as a non-tronweb wallet might.
    const signature = utils.message.signMessage(new TextEncoder().encode(lone), key) as string;
    expect(() => utils.message.verifyMessage(lone, signature)).toThrow(/invalid surrogate pair/);
    expect(verifyTronMessageSignature(lone, signature, address)).toEqual({
      ok: false,
      reason: "signature_malformed",
    });
  });
});
