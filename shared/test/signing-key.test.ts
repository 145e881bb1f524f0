import { describe, expect, it } from "vitest";
import { newSigningKey, publicJwkOf, SIGNING_ALG } from "../src/keys/signing-key.ts";

const data = new TextEncoder().encode("header.payload");

describe("signing keys: one Ed25519 generator for the keys CLI, the local stack and the tests", () => {
  it("makes a private JWK whose public half verifies what it signs", async () => {
    const jwk = await newSigningKey("k-1");
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: "k-1", alg: SIGNING_ALG, use: "sig" });
    const signer = await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
    const signature = await crypto.subtle.sign({ name: "Ed25519" }, signer, data);
    const pub = publicJwkOf(jwk);
    const verifier = await crypto.subtle.importKey("jwk", pub, { name: "Ed25519" }, false, ["verify"]);
    expect(await crypto.subtle.verify({ name: "Ed25519" }, verifier, signature, data)).toBe(true);
  });

  it("never puts the private part in the public JWK, and makes a new key each time", async () => {
    const [a, b] = await Promise.all([newSigningKey("a"), newSigningKey("b")]);
    expect(Object.keys(publicJwkOf(a)).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
    expect(JSON.stringify(publicJwkOf(a))).not.toContain(a.d);
    expect(a.x).not.toBe(b.x);
    expect(a.d).not.toBe(b.d);
  });
});
