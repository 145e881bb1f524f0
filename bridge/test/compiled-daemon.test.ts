import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildDaemon, COMPILED } from "../build.ts";
import { LOGIN_PATH, startDaemonProcess } from "./support/harness.ts";
import { newWallet, signTip191, siwtMessage } from "./support/wallet.ts";

const run = promisify(execFile);
/** Node refuses any .ts module with this flag: the compiled daemon must load none. */
const NO_TYPESCRIPT = ["--no-experimental-strip-types"];
const FORBID_IMPORTS = join(import.meta.dirname, "support", "forbid-imports.mjs");
/** What a bridge without a wallet must never load: tens of MB of resident memory between them. */
const WALLET_ONLY_PACKAGES = "tronweb,ethers,@ledgerhq";
// Inside bridge/ so the bundle's external packages resolve from node_modules, as in the image.
const outdir = join(import.meta.dirname, "..", "dist", `test-${randomBytes(4).toString("hex")}`);
const entry = (path: string) => join(outdir, path.slice(path.lastIndexOf("/") + 1));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
beforeAll(async () => {
  await buildDaemon(outdir);
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

async function startCompiled(env: Record<string, string> = {}, nodeFlags: string[] = []) {
  const d = await startDaemonProcess(env, {
    main: entry(COMPILED.daemon),
    nodeFlags: [...NO_TYPESCRIPT, ...nodeFlags],
  });
  cleanups.push(d.stop);
  return d;
}

describe("the compiled daemon (what the image runs)", () => {
  it("starts without TypeScript or the wallet's libraries, verifies logins over mTLS, refuses a forged one, and its HEALTHCHECK passes", async () => {
    const d = await startCompiled({ FORBID_IMPORTS: WALLET_ONLY_PACKAGES }, [`--import=${FORBID_IMPORTS}`]);
    const alice = newWallet();
    const message = siwtMessage(alice.address);
    const ok = await d.call(LOGIN_PATH, { body: { message, signature: signTip191(message, alice) } });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ address: alice.address, roles: ["USER"] });

    const forged = siwtMessage(alice.address);
    const refused = await d.call(LOGIN_PATH, {
      body: { message: forged, signature: signTip191(forged, newWallet()) },
    });
    expect(refused.status).toBe(401);

    const health = await run(process.execPath, [...NO_TYPESCRIPT, entry(COMPILED.healthcheck)], {
      env: { BRIDGE_HEALTH_PORT: d.healthPort },
    });
    expect(health.stdout).toBe("200 healthy\n");
  });

  it("loads the wallet stack (its own chunk) when a wallet is configured", async () => {
    const d = await startCompiled({
      NODE_ENV: "development",
      WALLET_DRIVER: "software",
      SOFTWARE_WALLET_MNEMONIC: "test test test test test test test test test test test junk",
    });
    await expect
      .poll(async () => {
        const res = await fetch(`http://127.0.0.1:${d.healthPort}/health/ready`);
        return ((await res.json()) as { dependencies?: Record<string, string> }).dependencies;
      })
      .toMatchObject({ hardware_wallet: "ready" });
  });
});
