/**
 * The soak's system under test, in its own process so its memory and descriptors are measured
 * without the load generator's: the whole local stack (startStack with the worker in workerd).
 * This process holds the bridge and the Upstash-compatible server; workerd, redis-server and
 * FerretDB are its children. Prints one JSON line with the edge URL and the worker's inspector
 * port once ready, stops on SIGTERM.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SIWT } from "@tron-auth/bridge/testing/wallet";
import { freePort } from "@tron-auth/launchers/ports";
import { limitVars } from "../loadtest/plan.ts";
import { ANY_PORTS, startStack } from "../src/compose.ts";
import { newSecrets } from "../src/secrets.ts";
import { WORKER_ENTRY } from "../src/workerd.ts";

const dir = mkdtempSync(join(tmpdir(), "tron-auth-soak-"));
const inspectorPort = await freePort();
const stack = await startStack({
  secrets: await newSecrets(),
  dir,
  identity: { siwt: { ...SIWT }, jwt: { issuer: "tron-auth-edge", audience: "tron-auth-api" } },
  ports: ANY_PORTS,
  bridgeEnv: { NODE_ENV: "development" },
  workerEntry: WORKER_ENTRY,
  workerInspectorPort: inspectorPort,
  edgeVars: limitVars(),
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
// The parent's end: if it dies without a signal, the pipe closes and the stack goes with it.
process.stdin.on("end", () => void stop());
process.stdin.resume();
process.stdout.write(
  `${JSON.stringify({ ready: true, edge: stack.urls.edge, inspectorPort, pid: process.pid })}\n`,
);
