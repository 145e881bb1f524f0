import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ChainKey } from "../src/audit/chain-key.ts";
import { AuditStore } from "../src/audit/store.ts";
import { connectDatabase, type Database } from "../src/db/mongo.ts";

const CLI = join(import.meta.dirname, "..", "src", "audit-verify.ts");
const run = promisify(execFile);

let database: Database;
let dir: string;
let env: Record<string, string>;
const dbName = `cli_${randomBytes(6).toString("hex")}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "audit-verify-"));
  const keyBytes = randomBytes(32);
  writeFileSync(join(dir, "chain.key"), `${keyBytes.toString("base64")}\n`);
  env = { MONGODB_URI: inject("mongoUri"), MONGODB_DB: dbName, AUDIT_CHAIN_KEY_FILE: join(dir, "chain.key") };
  database = await connectDatabase(inject("mongoUri"), dbName);
  const audit = new AuditStore(database.db, 90, new ChainKey(keyBytes));
  await audit.ensureIndexes();
  for (let i = 0; i < 3; i++) {
    await audit.record({
      id: `evt_cli_${i}_${randomBytes(4).toString("hex")}`,
      at: new Date(),
      type: "login_success",
      outcome: "success",
    });
  }
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI as an operator runs it: its own process, the bridge's settings in its environment. */
async function verify(extra: Record<string, string> = {}) {
  return run(process.execPath, ["--disable-warning=ExperimentalWarning", CLI], {
    env: { ...env, ...extra },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("npm run audit:verify", () => {
  it("prints OK with the counts and exits 0 on an intact chain", async () => {
    const { code, stdout } = await verify();
    expect(code).toBe(0);
    expect(stdout).toMatch(/^OK: 3 linked events verified from the start; 0 from before the chain; head 3 /);
  });

  it("prints the first bad sequence and its kind and exits 1 after an edit", async () => {
    await database.db.collection("audit_events").updateOne({ seq: 2 }, { $set: { outcome: "failure" } });
    const { code, stdout } = await verify();
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAILED at sequence 2: changed \(event evt_cli_1_/);
    expect(JSON.parse(stdout.split("\n")[1] ?? "")).toMatchObject({
      ok: false,
      failure: { kind: "changed", seq: 2 },
    });
  });

  it("exits 78 without its settings, naming them and not their values, and 2 with an unreadable key", async () => {
    const missing = await verify({
      AUDIT_CHAIN_KEY_FILE: "",
      MONGODB_URI: "mongodb://user:hunter2@nowhere:1",
    });
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain("AUDIT_CHAIN_KEY_FILE");
    expect(missing.stderr).not.toContain("hunter2");
    const unreadable = await verify({ AUDIT_CHAIN_KEY_FILE: join(dir, "absent.key") });
    expect(unreadable.code).toBe(2);
  });
});
