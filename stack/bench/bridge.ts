/**
 * `npm run bench -- bridge`: numbers, not assertions. Builds the daemon as the image does
 * (bridge/build.ts) and runs the compiled entry with the container's flags against a real
 * MongoDB-wire server, driving it through real mTLS as the worker would. The bridge alone, as a
 * process of its own: its start time and resident memory are what it measures; also where a
 * login's CPU goes (the daemon, the database) and the memory with a wallet and from sources.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { join } from "node:path";
import { buildDaemon, COMPILED } from "@tron-auth/bridge/build";
import { signAssertion } from "@tron-auth/bridge/testing/assertions";
import { type DaemonOptions, spawnDaemon } from "@tron-auth/bridge/testing/daemon";
import { type PreparedBridge, prepareBridgeEnvFor } from "@tron-auth/bridge/testing/env";
import { newWallet, signTip191, siwtMessage } from "@tron-auth/bridge/testing/wallet";
import { verifyTronMessageSignature } from "@tron-auth/bridge/tron-signature";
import { startMongoWire } from "@tron-auth/launchers/mongo-wire";
import { utils } from "tronweb";
import { load, residentMb } from "./stats.ts";

const LOGIN = "/internal/v1/login/verify";
const COMPILED_MAIN = join(import.meta.dirname, "..", "..", COMPILED.daemon);
const SOFTWARE_WALLET = {
  NODE_ENV: "development",
  WALLET_DRIVER: "software",
  SOFTWARE_WALLET_MNEMONIC: "test test test test test test test test test test test junk",
};
const row = (name: string, value: string) => process.stdout.write(`  ${name.padEnd(52)} ${value}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Recoveries per second on this thread for 1.5 s: the bridge's verifier and tronweb's (before). */
function signatureThroughput(): void {
  const wallet = newWallet();
  const message = siwtMessage(wallet.address);
  const signature = signTip191(message, wallet);
  const rate = (verify: () => boolean) => {
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < 1_500) {
      if (!verify()) throw new Error("verify failed");
      n++;
    }
    return ((n * 1000) / (performance.now() - started)).toFixed(0);
  };
  const ours = rate(() => verifyTronMessageSignature(message, signature, wallet.address).ok);
  const tronweb = rate(() => utils.message.verifyMessage(message, signature) === wallet.address);
  row("TIP-191 verifications/s, one core: noble / tronweb", `${ours} / ${tronweb}`);
}

/** CPU time (user + system) a process has used, in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The FerretDB this process started, to charge its CPU to the logins; undefined for an external server. */
function childPid(command: string): number | undefined {
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8").trim();
      const [, name = "", rest = ""] = /^\d+ \((.*)\) (.*)$/.exec(stat) ?? [];
      if (name === command.slice(0, 15) && Number(rest.split(" ")[1]) === process.pid) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

async function startDaemon(prepared: PreparedBridge, options: DaemonOptions) {
  const t0 = performance.now();
  const daemon = spawnDaemon(prepared.env, options);
  const ready = await daemon.waitFor("bridge ready", 30_000);
  const readyMs = performance.now() - t0;
  await sleep(1_500);
  const pid = daemon.child.pid ?? 0;
  const stop = async () => {
    daemon.child.kill("SIGTERM");
    await daemon.exited;
  };
  return { port: Number(new URL(String(ready.url)).port), pid, readyMs, idleMb: residentMb(pid), stop };
}

function loginClient(prepared: PreparedBridge, port: number) {
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
  // Signed ahead: the wallet's signing happens on the user's device, not on the bridge.
  const wallets = Array.from({ length: 50 }, newWallet);
  const run = (total: number, concurrency: number) => {
    const bodies = Array.from({ length: total }, (_, i) => {
      const w = wallets[i % wallets.length] ?? newWallet();
      const message = siwtMessage(w.address);
      return JSON.stringify({ message, signature: signTip191(message, w) });
    });
    return load(total, concurrency, async (i) => {
      const body = bodies[i] ?? "";
      await post(body, await signAssertion(prepared.key, { body }));
    });
  };
  return { run, close: () => agent.destroy() };
}

async function main(): Promise<void> {
  process.stdout.write("bridge benchmark (compiled daemon, as the image runs it)\n");
  signatureThroughput();
  await buildDaemon();
  const mongo = await startMongoWire();
  const databasePid = childPid("ferretdb-local");
  const prepared = await prepareBridgeEnvFor(mongo.uri, { LOG_LEVEL: "info" });
  const bridge = await startDaemon(prepared, { main: COMPILED_MAIN });
  row("start to ready (spawn to listening), ms", bridge.readyMs.toFixed(0));
  row("resident memory idle, MB", bridge.idleMb.toFixed(1));

  const client = loginClient(prepared, bridge.port);
  await client.run(60, 4); // warm-up: JIT, connection pools, TLS sessions
  let peakMb = 0;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, residentMb(bridge.pid))), 100);
  for (const concurrency of [1, 8]) {
    const total = concurrency === 1 ? 300 : 800;
    const cpu0 = { bridge: cpuMs(bridge.pid), db: databasePid ? cpuMs(databasePid) : 0 };
    const result = await client.run(total, concurrency);
    const label = `${concurrency} connection${concurrency === 1 ? "" : "s"}`;
    row(`login-verify req/s, ${label}`, (result.requests / result.seconds).toFixed(0));
    row(`login-verify p50 / p99 ms, ${label}`, `${result.p50.toFixed(1)} / ${result.p99.toFixed(1)}`);
    const perLogin = (ms: number) => (ms / total).toFixed(2);
    row(
      `CPU ms per login, ${label}: bridge / database`,
      `${perLogin(cpuMs(bridge.pid) - cpu0.bridge)} / ${databasePid ? perLogin(cpuMs(databasePid) - cpu0.db) : "n/a"}`,
    );
  }
  clearInterval(sampler);
  await sleep(1_500);
  row(
    "resident memory peak under load / idle after, MB",
    `${peakMb.toFixed(1)} / ${residentMb(bridge.pid).toFixed(1)}`,
  );
  client.close();
  await bridge.stop();

  const walletEnv = await prepareBridgeEnvFor(mongo.uri, SOFTWARE_WALLET);
  const withWallet = await startDaemon(walletEnv, { main: COMPILED_MAIN });
  row(
    "with a wallet (software driver): ready ms / idle MB",
    `${withWallet.readyMs.toFixed(0)} / ${withWallet.idleMb.toFixed(1)}`,
  );
  await withWallet.stop();
  walletEnv.cleanup();
  const sources = await startDaemon(prepared, {});
  row(
    "from sources (type stripping): ready ms / idle MB",
    `${sources.readyMs.toFixed(0)} / ${sources.idleMb.toFixed(1)}`,
  );
  await sources.stop();

  await mongo.stop();
  prepared.cleanup();
  process.stdout.write(
    "\nGoals: ready < 2000 ms and idle < 100 MB on the Pi 5; login-verify >= 300 req/s at 8 connections with p99 < 100 ms.\n",
  );
}

await main();
