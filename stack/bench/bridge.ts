/**
 * `npm run bench -- bridge`: numbers, not assertions. Starts the real daemon (node bridge/src/main.ts)
 * against a real MongoDB-wire server and drives it through real mTLS, as the worker would. The
 * bridge alone, as a process of its own: its start time and resident memory are what it measures.
 */
import { Agent, request } from "node:https";
import { signAssertion } from "@tron-auth/bridge/testing/assertions";
import { spawnDaemon } from "@tron-auth/bridge/testing/daemon";
import { prepareBridgeEnvFor } from "@tron-auth/bridge/testing/env";
import { newWallet, signTip191, siwtMessage } from "@tron-auth/bridge/testing/wallet";
import { verifyTronMessageSignature } from "@tron-auth/bridge/tron-signature";
import { startMongoWire } from "@tron-auth/launchers/mongo-wire";
import { load, residentMb } from "./stats.ts";

const LOGIN = "/internal/v1/login/verify";
const rows: [string, string][] = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  process.stdout.write(`  ${name.padEnd(44)} ${value}\n`);
};

function signatureThroughput(): void {
  const wallet = newWallet();
  const message = siwtMessage(wallet.address);
  const signature = signTip191(message, wallet);
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 2_000) {
    if (!verifyTronMessageSignature(message, signature, wallet.address).ok) throw new Error("verify failed");
    n++;
  }
  row("TIP-191 verifications/s (tronweb, 1 core)", ((n * 1000) / (performance.now() - started)).toFixed(0));
}

async function main(): Promise<void> {
  process.stdout.write("bridge benchmark\n");
  signatureThroughput();
  const mongo = await startMongoWire();
  const prepared = await prepareBridgeEnvFor(mongo.uri, { LOG_LEVEL: "info" });
  const t0 = performance.now();
  const daemon = spawnDaemon(prepared.env);
  const ready = await daemon.waitFor("bridge ready", 30_000);
  row("start to ready (spawn to listening), ms", (performance.now() - t0).toFixed(0));
  const port = Number(new URL(String(ready.url)).port);
  const pid = daemon.child.pid ?? 0;
  await new Promise((r) => setTimeout(r, 1_000));
  row("resident memory idle, MB", residentMb(pid).toFixed(1));

  const agent = new Agent({
    keepAlive: true,
    maxSockets: 16,
    ca: prepared.ca.certPem,
    cert: prepared.client.certPem,
    key: prepared.client.keyPem,
    servername: "localhost",
  });
  const post = (body: string, assertion: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: LOGIN,
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "x-internal-assertion": assertion },
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  let peakMb = 0;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, residentMb(pid))), 100);
  for (const concurrency of [1, 8]) {
    const total = concurrency === 1 ? 200 : 600;
    const wallets = Array.from({ length: 50 }, newWallet);
    const bodies = Array.from({ length: total }, (_, i) => {
      const w = wallets[i % wallets.length] ?? newWallet();
      const message = siwtMessage(w.address);
      return JSON.stringify({ message, signature: signTip191(message, w) });
    });
    const result = await load(total, concurrency, async (i) => {
      const body = bodies[i] ?? "";
      await post(body, await signAssertion(prepared.key, { body }));
    });
    row(`login-verify req/s, ${concurrency} connection(s)`, (result.requests / result.seconds).toFixed(0));
    row(
      `login-verify p50 / p99 ms, ${concurrency} connection(s)`,
      `${result.p50.toFixed(1)} / ${result.p99.toFixed(1)}`,
    );
  }
  clearInterval(sampler);
  row("resident memory peak under load, MB", peakMb.toFixed(1));
  agent.destroy();
  daemon.child.kill("SIGTERM");
  await daemon.exited;
  await mongo.stop();
  prepared.cleanup();
  process.stdout.write("\nTargets on the Pi 5: ready < 2000 ms, idle < 100 MB.\n");
}

await main();
