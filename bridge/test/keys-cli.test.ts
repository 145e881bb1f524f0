import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bodyHash } from "@tron-auth/shared/protocol";
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createAssertionVerifier } from "../src/auth/assertion.ts";
import { ReplayStore } from "../src/auth/replay-store.ts";
import { loadBridgeConfig } from "../src/config/load.ts";
import { connectDatabase, type Database } from "../src/db/mongo.ts";

let database: Database;
beforeAll(async () => {
  database = await connectDatabase(inject("mongoUri"), `keys_${randomBytes(6).toString("hex")}`);
});
afterAll(() => database.close());

const script = join(import.meta.dirname, "..", "..", "scripts", "keys.ts");
const dir = mkdtempSync(join(tmpdir(), "keys-"));
type KeySet = { keys: Record<string, string>[] };

function run(...args: string[]): { status: number | null; set: KeySet; stderr: string } {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
  return {
    status: r.status,
    set: r.status === 0 ? (JSON.parse(r.stdout) as KeySet) : { keys: [] },
    stderr: r.stderr,
  };
}

function save(name: string, set: KeySet): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(set));
  return path;
}

const bridgeEnv = (jwks: KeySet) => ({
  BRIDGE_TLS_CERT: "/c",
  BRIDGE_TLS_KEY: "/k",
  BRIDGE_TLS_CLIENT_CA: "/ca",
  AUDIT_CHAIN_KEY_FILE: "/chain.key",
  MONGODB_URI: "mongodb://db:27017",
  WORKER_JWKS: JSON.stringify(jwks),
  SIWT_DOMAIN: "a.example",
  SIWT_URI: "https://a.example/login",
  SIWT_CHAIN_ID: "tron:3448148188",
});

describe("keys CLI (npm run keys)", () => {
  const generated = run("generate");
  const current = save("current.json", generated.set);
  const rotated = run("rotate", "--current", current);
  const next = save("next.json", rotated.set);

  it("generates one Ed25519 private key with a kid", () => {
    expect(generated.status).toBe(0);
    expect(generated.set.keys).toHaveLength(1);
    expect(generated.set.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(generated.set.keys[0]?.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generated.set.keys[0]?.kid).toMatch(/^\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/);
  });

  it("rotates by putting a new key first and keeping the current ones; prune retires the old", () => {
    expect(rotated.set.keys.map((k) => k.kid).slice(1)).toEqual([generated.set.keys[0]?.kid]);
    expect(rotated.set.keys[0]?.kid).not.toBe(generated.set.keys[0]?.kid);
    const pruned = run("prune", "--current", next, "--keep", "1");
    expect(pruned.set.keys.map((k) => k.kid)).toEqual([rotated.set.keys[0]?.kid]);
  });

  it("prints a public set the bridge accepts, while the private set is refused", () => {
    const pub = run("public", "--current", next);
    for (const key of pub.set.keys) expect(key.d).toBeUndefined();
    expect(loadBridgeConfig(bridgeEnv(pub.set)).WORKER_JWKS.keys).toHaveLength(2);
    expect(() => loadBridgeConfig(bridgeEnv(rotated.set))).toThrow(/private key/);
  });

  it("makes keys whose signatures the bridge verifies with the public set", async () => {
    const pub = run("public", "--current", next).set;
    const verify = createAssertionVerifier({
      jwks: loadBridgeConfig(bridgeEnv(pub)).WORKER_JWKS,
      issuer: "tron-auth-edge",
      audience: "tron-auth-bridge",
      replay: new ReplayStore(database.db),
    });
    const signer = rotated.set.keys[0] ?? {};
    const key = await importJWK({ ...signer, alg: "EdDSA" }, "EdDSA");
    const token = await new SignJWT({
      roles: [],
      rid: "r1",
      method: "GET",
      target: "/x",
      bh: await bodyHash(""),
    })
      .setProtectedHeader({ alg: "EdDSA", typ: "bridge+jwt", kid: signer.kid ?? "" })
      .setIssuer("tron-auth-edge")
      .setAudience("tron-auth-bridge")
      .setSubject("anonymous")
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime("30s")
      .sign(key);
    expect((await verify(token, { method: "GET", target: "/x", body: new Uint8Array() })).sub).toBe(
      "anonymous",
    );
  });

  it("makes 256-bit session MAC keys and rotates them by putting the new one in front", () => {
    const raw = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
    const first = raw("session-mac");
    expect(first.status).toBe(0);
    const key = first.stdout.trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rotatedList = raw("session-mac", "--current", key).stdout.trim().split(",");
    expect(rotatedList).toHaveLength(2);
    expect(rotatedList[1]).toBe(key);
    expect(rotatedList[0]).not.toBe(key);
  });

  it("fails with usage (exit 2) on a missing file argument or an unknown command", () => {
    for (const args of [["rotate"], ["prune", "--current", current, "--keep", "0"], ["nope"], []]) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("usage:");
    }
  });
});
