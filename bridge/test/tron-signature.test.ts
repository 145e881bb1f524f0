import { utils } from "tronweb";
import { describe, expect, it } from "vitest";
import { verifyTronMessageSignature } from "../src/tron/signature.ts";
import { highSTwin, newWallet as keypair } from "./support/wallet.ts";

describe("TIP-191 signature verification", () => {
  const alice = keypair();
  const bob = keypair();
  const message = "example.com wants you to sign in with your TRON account:\nhéllo ✓";
  const sig = utils.message.signMessage(message, alice.privateKey);

  it("accepts the signer's signature and returns the address", () => {
    expect(verifyTronMessageSignature(message, sig, alice.address)).toEqual({
      ok: true,
      address: alice.address,
    });
  });

  it("refuses another key's signature and a tampered message", () => {
    const other = utils.message.signMessage(message, bob.privateKey);
    expect(verifyTronMessageSignature(message, other, alice.address)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
    expect(verifyTronMessageSignature(`${message}!`, sig, alice.address)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("refuses the high-S twin with its own reason, before recovery", () => {
    const twin = highSTwin(sig);
    // tronweb 6 (ethers 6 underneath) throws on it; we answer with a stable code instead.
    expect(() => utils.message.verifyMessage(message, twin)).toThrow(/non-canonical s/);
    expect(verifyTronMessageSignature(message, twin, alice.address)).toEqual({
      ok: false,
      reason: "signature_high_s",
    });
  });

  it("accepts v as 0/1", () => {
    const hex = sig.replace(/^0x/, "");
    const v01 = `${hex.slice(0, 128)}${(Number.parseInt(hex.slice(128), 16) - 27).toString(16).padStart(2, "0")}`;
    expect(verifyTronMessageSignature(message, v01, alice.address).ok).toBe(true);
  });

  it("refuses r and s outside 1..n-1 as malformed (not as high-S), and takes s = n/2 as low", () => {
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const hex = sig.replace(/^0x/, "");
    const word = (n: bigint) => n.toString(16).padStart(64, "0");
    const withR = (r: bigint) => `${word(r)}${hex.slice(64)}`;
    const withS = (s: bigint) => `${hex.slice(0, 64)}${word(s)}${hex.slice(128)}`;
    for (const bad of [withR(N), withR(2n ** 256n - 1n), withS(0n), withS(N), withS(2n ** 256n - 1n)]) {
      expect(verifyTronMessageSignature(message, bad, alice.address)).toEqual({
        ok: false,
        reason: "signature_malformed",
      });
    }
    expect(verifyTronMessageSignature(message, withS(N >> 1n), alice.address)).not.toEqual({
      ok: false,
      reason: "signature_high_s",
    });
    expect(verifyTronMessageSignature(message, withS((N >> 1n) + 1n), alice.address)).toEqual({
      ok: false,
      reason: "signature_high_s",
    });
  });

  it.each([
    ["too short", sig.slice(0, 100)],
    ["too long", `${sig}00`],
    ["not hex", `${sig.slice(0, -2)}zz`],
    ["v = 29", `${sig.slice(0, -2)}1d`],
    ["r = 0", `0x${"0".repeat(64)}${sig.slice(66)}`],
  ])("refuses a malformed signature (%s)", (_n, bad) => {
    expect(verifyTronMessageSignature(message, bad, alice.address)).toEqual({
      ok: false,
      reason: "signature_malformed",
    });
  });
});
