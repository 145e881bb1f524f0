import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keptSecrets, newSecrets, publicJwks } from "../src/secrets.ts";

describe("the stack's secrets", () => {
  it("are made once in npm start's folder, private to the user, and the same on the next start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stack-secrets-"));
    const first = await keptSecrets(dir);
    // The names existing .dev folders hold; the demo and wrangler dev read some of them.
    expect(readdirSync(dir).sort()).toEqual([
      "audit-chain-key.txt",
      "bridge-upstash-token.txt",
      "certs",
      "jwt-signing-keys.json",
      "session-mac-key.txt",
      "super-admin.json",
      "upstash-token.txt",
      "wallet-mnemonic.txt",
    ]);
    for (const file of readdirSync(dir).filter((f) => f !== "certs"))
      expect([file, statSync(join(dir, file)).mode & 0o777]).toEqual([file, 0o600]);
    expect(statSync(join(dir, "certs", "dev-pki.json")).mode & 0o777).toBe(0o600);
    expect(await keptSecrets(dir)).toEqual(first);
  });

  it("are fresh on every call for tests, with distinct tokens and a public key set without private parts", async () => {
    const [a, b] = [await newSecrets(), await newSecrets()];
    expect(a.superAdmin.address).not.toBe(b.superAdmin.address);
    expect(a.upstashToken).not.toBe(a.bridgeUpstashToken);
    expect(a.walletMnemonic.split(" ")).toHaveLength(12);
    const [key] = publicJwks(a.jwtKeys).keys;
    expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(key).not.toHaveProperty("d");
    expect(a.jwtKeys.keys[0]).toHaveProperty("d");
  });
});
