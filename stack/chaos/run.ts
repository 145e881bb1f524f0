/**
 * `npm run chaos`: fault injection on the whole local stack. The worker runs in workerd, the
 * bridge over mTLS, Redis durable (as Upstash is); under a steady load of members and a
 * SUPER_ADMIN, each of redis-server, the Upstash-compatible server, the bridge and the
 * MongoDB-wire server is killed, kept away, and restarted on its address, one at a time. Prints
 * one row per fault and exits 1 when any row fails. Options: --outage SECONDS (8), --users N (4),
 * --faults bridge,mongo,upstash,redis, --json FILE (the rows, for the test).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TEST_MNEMONIC } from "@tron-auth/bridge/testing/transactions";
import { SIWT } from "@tron-auth/bridge/testing/wallet";
import { ANY_PORTS, type KillablePart, type RunningStack, startStack } from "../src/compose.ts";
import { boundClient } from "../src/edge-call.ts";
import { newSecrets } from "../src/secrets.ts";
import { WORKER_ENTRY } from "../src/workerd.ts";
import { auditCounter } from "./audit-count.ts";
import { chaosTable } from "./report.ts";
import { type Row, runScenario } from "./scenario.ts";
import { mustSignIn } from "./traffic.ts";

const PARTS: readonly KillablePart[] = ["bridge", "mongo", "upstash", "redis"];
const OUTBOX_POLL_MS = 200;
const say = (line: string) => process.stdout.write(`${line}\n`);

const { values: args } = parseArgs({
  options: {
    outage: { type: "string", default: "8" },
    users: { type: "string", default: "4" },
    faults: { type: "string", default: PARTS.join(",") },
    json: { type: "string" },
  },
});
const outageMs = Number(args.outage) * 1000;
const users = Number(args.users);
const faults = args.faults.split(",").filter((f): f is KillablePart => PARTS.includes(f as KillablePart));
if (
  !Number.isFinite(outageMs) ||
  outageMs < 1000 ||
  !Number.isInteger(users) ||
  users < 1 ||
  !faults.length
) {
  console.error(`chaos: --outage SECONDS >= 1, --users N >= 1, --faults of ${PARTS.join(",")}`);
  process.exit(2);
}

/** Every limit out of the way: the load comes from one IP, and limits are not what is tested. */
const NO_LIMITS = {
  ...Object.fromEntries(
    [
      "RATE_LIMIT_PUBLIC",
      "RATE_LIMIT_USER",
      "RATE_LIMIT_PRIVILEGED",
      "RATE_LIMIT_CHALLENGE",
      "RATE_LIMIT_LOGIN",
      "LOGIN_BLOCK_FAILURES_PER_CLIENT",
    ].map((name) => [name, "1000000"]),
  ),
  // The load's readers hold bearer sessions, the SUPER_ADMIN's included; its signing goes through
  // a DPoP-bound client, since signing takes only bound sessions whatever this says.
  DPOP_REQUIRED: "none",
  // The SUPER_ADMIN signs in for every scenario (the revoked session, recovery checks).
  MAX_SESSIONS_PER_USER: "50",
};

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "chaos-"));
  const db = `chaos_${randomBytes(6).toString("hex")}`;
  let stack: RunningStack | undefined;
  try {
    const secrets = { ...(await newSecrets()), walletMnemonic: TEST_MNEMONIC };
    say(
      `chaos: starting the stack (durable Redis, worker in workerd); outage ${outageMs / 1000} s, ${users} users`,
    );
    stack = await startStack({
      secrets,
      dir,
      identity: { siwt: { ...SIWT }, jwt: { issuer: "tron-auth-edge", audience: "tron-auth-api" } },
      ports: ANY_PORTS,
      durableRedis: true,
      bridgeEnv: { NODE_ENV: "development", MONGODB_DB: db, AUDIT_OUTBOX_POLL_MS: String(OUTBOX_POLL_MS) },
      workerEntry: WORKER_ENTRY,
      edgeVars: NO_LIMITS,
    });
    const running = stack;
    const edge = running.urls.edge ?? "";
    const superAdmin = () => mustSignIn(edge, secrets.superAdmin);
    const admin = await superAdmin();
    const signer = await boundClient(edge, secrets.superAdmin);
    const audit = await auditCounter(running.mongoUri, db, OUTBOX_POLL_MS);
    const rows: Row[] = [];
    try {
      for (const part of faults) {
        say(`chaos: ${part}: load, kill, ${outageMs / 1000} s away, restart, recovery`);
        rows.push(
          await runScenario({
            edge,
            part,
            target: running.parts[part],
            admin,
            signer,
            superAdmin,
            outageMs,
            users,
            audit,
            deviceExchanges: () => running.bridge.running()?.softwareDevice?.exchangeCount ?? 0,
          }),
        );
      }
    } finally {
      await audit.close();
    }
    say("");
    say(chaosTable(rows));
    for (const row of rows)
      for (const check of row.checks) if (check.detail) say(`  ${row.fault}: ${check.name}: ${check.detail}`);
    if (args.json) writeFileSync(args.json, JSON.stringify(rows, null, 2));
    const failed = rows.filter((r) => !r.ok).length;
    say(
      failed ? `chaos: ${failed} of ${rows.length} faults FAILED` : `chaos: all ${rows.length} faults passed`,
    );
    return failed ? 1 : 0;
  } finally {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
