/**
 * `npm run demo`: the system at work through its public API, step by step, against `npm start`
 * (EDGE_URL, DEV_DIR to point elsewhere). Exits non-zero at the first step that fails.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { recoverSigner, transferHex } from "@tron-auth/bridge/testing/transactions";
import { createAuthClient } from "@tron-auth/client";
import { TronWeb } from "tronweb";
import { callJson, clientJson } from "./edge-call.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const edge = process.env.EDGE_URL ?? "http://127.0.0.1:8787";
const dir = process.env.DEV_DIR ?? join(ROOT, ".dev");
const tronWeb = new TronWeb({ fullHost: "http://127.0.0.1:9" }); // signing is offline

let n = 0;
function step(title: string, detail: string): void {
  process.stdout.write(`${String(++n).padStart(2)}. ${title.padEnd(34)} ${detail}\n`);
}

function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return callJson<T>(`${edge}${path}`, method, { body });
}

/** The client library, as an integrator uses it: the session bound to a key (DPoP) by default. */
const client = createAuthClient({ baseUrl: edge });

const authed = <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  clientJson<T>(client, method, path, body, headers);

async function main(): Promise<void> {
  const key = JSON.parse(readFileSync(join(dir, "super-admin.json"), "utf8")) as {
    privateKey: string;
    address: string;
  };
  const health = await api<{ status: string; dependencies: Record<string, string> }>("GET", "/health");
  step("health", `${health.status} ${JSON.stringify(health.dependencies)}`);
  const { message } = await client.challenge(key.address);
  step("challenge", message.split("\n")[0] ?? "");
  const signature = tronWeb.trx.signMessageV2(message, key.privateKey);
  step("sign with the TRON key (TIP-191)", `${signature.slice(0, 20)}…`);
  const { pair, jkt } = await client.login(message, signature);
  step(
    "login (bound to a new key: DPoP)",
    `user ${pair.user.id} roles ${pair.user.roles.join(",")}, ${pair.tokenType} ${jkt?.slice(0, 12)}…`,
  );
  const refreshed = (await client.refresh()).pair;
  step(
    "refresh (token rotated, with a proof)",
    refreshed.refreshToken !== pair.refreshToken ? "new refresh token" : "SAME TOKEN?",
  );
  const me = await client.me();
  step("/v1/me", `${me.address}, ${me.permissions.length} permissions`);
  const wallet = await authed<{ status: string; driver: string; address: string }>("GET", "/v1/wallet");
  step("wallet", `${wallet.status} (${wallet.driver}) ${wallet.address}`);
  // The software devices answer at once (200); a device waiting for its buttons would answer 202.
  if (wallet.driver.includes("trezor")) {
    // A Trezor signs transactions only: a 1-sun transfer from the device's address, built offline.
    const signed = await authed<{ txID: string; signature: string }>(
      "POST",
      "/v1/wallet/sign-transaction",
      { rawDataHex: transferHex({ amountSun: 1, owner: wallet.address }) },
      { "Idempotency-Key": randomUUID() },
    );
    const recovered = recoverSigner(signed.txID, signed.signature);
    if (recovered !== wallet.address)
      throw new Error(`wallet signature recovers to ${recovered}, not ${wallet.address}`);
    step("sign a transaction through the wallet", `verified: ${recovered}`);
  } else {
    const text = `tron-auth demo ${new Date().toISOString()}`;
    const signed = await authed<{ address: string; signature: string; signedMessage: string }>(
      "POST",
      "/v1/wallet/sign-message",
      { message: text },
      { "Idempotency-Key": randomUUID() },
    );
    // The device signed the service's envelope around the text, returned as signedMessage.
    const recovered = await tronWeb.trx.verifyMessageV2(signed.signedMessage, signed.signature);
    if (recovered !== wallet.address)
      throw new Error(`wallet signature recovers to ${recovered}, not ${wallet.address}`);
    step("sign a message through the wallet", `verified: ${recovered}`);
  }
  await client.logout();
  step("logout", "session ended");
  process.stdout.write("demo: all steps passed\n");
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed at step ${n + 1}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
