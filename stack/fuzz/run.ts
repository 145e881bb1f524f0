/**
 * `npm run fuzz [-- --examples 100 --seed 1 --out DIR]`: Schemathesis against the whole local
 * stack (worker in workerd, Upstash-compatible server over redis-server, bridge over mTLS with
 * FerretDB), every check, stateful phase included, with sessions for USER, ADMIN and SUPER_ADMIN
 * (stack/fuzz/plan.ts, hooks.py). Two runs: everything but the lockdown's engage, then the
 * lockdown's routes alone, since engaging it ends every session but the caller's; the lockdown is
 * lifted afterwards. Exits non-zero on any finding, which Schemathesis prints.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { newWallet, SIWT } from "@tron-auth/bridge/testing/wallet";
import { ANY_PORTS, type RunningStack, startStack } from "../src/compose.ts";
import { boundClient, callJson, clientJson, signInWithKey } from "../src/edge-call.ts";
import { newSecrets } from "../src/secrets.ts";
import { WORKER_ENTRY } from "../src/workerd.ts";
import { fuzzPlan, LOCKDOWN_PATH } from "./plan.ts";
import { runSchemathesis } from "./schemathesis.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);

const { values: args } = parseArgs({
  options: {
    examples: { type: "string", default: "100" },
    seed: { type: "string", default: "20261" },
    /** Where to write the statuses each operation answered (JSON), for the test. */
    tally: { type: "string" },
  },
});
const maxExamples = Number(args.examples);
const seed = Number(args.seed);
if (!Number.isInteger(maxExamples) || maxExamples < 1 || !Number.isInteger(seed)) {
  console.error("fuzz: --examples must be a whole number >= 1 and --seed a whole number");
  process.exit(2);
}

/**
 * The rate limits, far above what the fuzzer sends: it makes every request from one client and
 * would otherwise meet 429 on most of them and reach no handler (the limits have their own tests).
 */
const EDGE_VARS = {
  ...Object.fromEntries(
    ["PUBLIC", "USER", "PRIVILEGED", "CHALLENGE", "LOGIN"].map((tier) => [`RATE_LIMIT_${tier}`, "1000000"]),
  ),
};

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "tron-auth-fuzz-"));
  const planPath = join(dir, "plan.json");
  let stack: RunningStack | undefined;
  const cleanUp = async () => {
    await stack?.stop();
    stack = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  try {
    say("fuzz: starting the local stack (workerd, Upstash REST + redis-server, bridge over mTLS, FerretDB)");
    const secrets = await newSecrets();
    stack = await startStack({
      secrets,
      dir,
      identity: { siwt: { ...SIWT }, jwt: { issuer: "tron-auth-edge", audience: "tron-auth-api" } },
      ports: ANY_PORTS,
      bridgeEnv: { NODE_ENV: "development" },
      workerEntry: WORKER_ENTRY,
      edgeVars: EDGE_VARS,
      log: (line) => say(`fuzz: ${line}`),
    });
    const edge = stack.urls.edge ?? "";
    const client = (n: number) => ({ "cf-connecting-ip": `198.18.0.${n}`, "user-agent": "fuzz-setup" });

    // The ADMIN: a new user, granted ADMIN by the bootstrap SUPER_ADMIN (whose setup session is
    // its own: the fuzzer signs in for itself).
    const admin = newWallet();
    const adminUser = await signInWithKey(edge, admin, client(1));
    // A SUPER_ADMIN's session must be bound to a key (DPOP_REQUIRED's default): the client library's.
    const owner = await boundClient(edge, secrets.superAdmin, client(2));
    await clientJson(owner, "PUT", `/v1/admin/users/${adminUser.user.id}/roles`, { roles: ["ADMIN"] });
    const doc = await callJson<Parameters<typeof fuzzPlan>[1]>(`${edge}/openapi.json`, "GET");
    const plan = fuzzPlan(edge, doc, { admin, superAdmin: secrets.superAdmin });
    writeFileSync(planPath, JSON.stringify(plan), { mode: 0o600 });

    const tallyPath = args.tally ?? join(dir, "tally.json");
    const tallies: Record<string, Record<string, number>> = {};
    const st = async (name: string, filters: string[]) => {
      say(`fuzz: ${name}: st run, seed ${seed}, at most ${maxExamples} examples per operation`);
      rmSync(tallyPath, { force: true });
      const code = await runSchemathesis({
        schemaUrl: `${edge}/openapi.json`,
        planPath,
        tallyPath,
        seed,
        maxExamples,
        args: filters,
        onLine: (line) => say(`  ${line}`),
      });
      if (existsSync(tallyPath)) Object.assign(tallies, JSON.parse(readFileSync(tallyPath, "utf8")));
      return code;
    };
    const main = await st("every operation but engaging the lockdown", [
      "--exclude-name",
      `POST ${LOCKDOWN_PATH}`,
    ]);
    const lockdown = await st("the lockdown alone", ["--include-path", LOCKDOWN_PATH]);

    // Engaging ended every session but the fuzzer's SUPER_ADMIN's: a new one lifts it.
    const lifter = await boundClient(edge, secrets.superAdmin, client(3));
    await clientJson(lifter, "DELETE", LOCKDOWN_PATH);
    const state = await clientJson<{ lockdown: { active: boolean } }>(lifter, "GET", LOCKDOWN_PATH);
    if (state.lockdown.active) throw new Error("the lockdown is still active after lifting it");
    say("fuzz: statuses answered, by operation (as the role hooks.py called it with)");
    const { roles } = plan;
    for (const [operation, statuses] of Object.entries(tallies).sort(([a], [b]) => a.localeCompare(b)))
      say(
        `  ${operation.padEnd(40)} ${(roles[operation] ?? "").padEnd(11)} ${Object.entries(statuses)
          .map(([status, n]) => `${status}: ${n}`)
          .join(", ")}`,
      );
    writeFileSync(tallyPath, JSON.stringify(tallies));
    say(`fuzz: ${main === 0 && lockdown === 0 ? "no findings" : "FAILED: findings above"}`);
    return main === 0 && lockdown === 0 ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fuzz failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
