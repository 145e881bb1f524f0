/**
 * `npm run loadtest [-- --seconds 60 --users 300 --out DIR --plot PNG]`: the seeds' load test.
 * The whole local stack (worker in workerd, Upstash-compatible server over redis-server, bridge
 * over mTLS with FerretDB) with throwaway secrets, clients provisioned through the public API,
 * then Locust headless (stack/loadtest/locustfile.py). Prints the table, writes Locust's CSV files,
 * outcomes.json, timeline.csv and summary.json to --out and the plot to --plot. Exits non-zero
 * when no request was made or any failed besides the designed 429s; speed is reported, not judged.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SIWT } from "@tron-auth/bridge/testing/wallet";
import { ANY_PORTS, type RunningStack, startStack } from "../src/compose.ts";
import { newSecrets } from "../src/secrets.ts";
import { WORKER_ENTRY } from "../src/workerd.ts";
import { plot, runLocust } from "./locust.ts";
import { CYCLES, checkPlan, type Kind, limitVars, PACE } from "./plan.ts";
import { provisionClients } from "./provision.ts";
import { summarize, table } from "./report.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const ARTIFACT =
  /^(locust.*\.(csv|log|json)|outcomes\.json|timeline\.csv|summary\.json|plot\.log|plan\.json)$/;
const say = (line: string) => process.stdout.write(`${line}\n`);

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    users: { type: "string", default: "300" },
    out: { type: "string", default: join(ROOT, ".cache", "loadtest") },
    plot: { type: "string", default: join(ROOT, "docs", "loadtest.png") },
  },
});
const seconds = Number(args.seconds);
const users = Number(args.users);
if (!Number.isInteger(seconds) || seconds < 1 || !Number.isInteger(users) || users < 3) {
  console.error("loadtest: --seconds must be a whole number >= 1 and --users a whole number >= 3");
  process.exit(2);
}

/** One flood client, about one admin in fifty (at least one), the rest members. */
function counts(total: number): Record<Kind, number> {
  const admin = Math.max(1, Math.round(total / 50));
  return { member: total - admin - 1, admin, flood: 1 };
}

async function main(): Promise<number> {
  checkPlan();
  const outDir = args.out;
  mkdirSync(outDir, { recursive: true });
  // A previous run's results must not pass for this one's.
  for (const file of readdirSync(outDir).filter((f) => ARTIFACT.test(f))) rmSync(join(outDir, file));
  const stackDir = mkdtempSync(join(tmpdir(), "tron-auth-loadtest-"));
  const planPath = join(outDir, "plan.json");
  let stack: RunningStack | undefined;
  const cleanUp = async () => {
    await stack?.stop();
    stack = undefined;
    // The plan holds the clients' keys and tokens: throwaway, but no reason to leave them about.
    rmSync(planPath, { force: true });
    rmSync(stackDir, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  try {
    say(
      "loadtest: starting the local stack (workerd, Upstash REST + redis-server, bridge over mTLS, FerretDB)",
    );
    const secrets = await newSecrets();
    stack = await startStack({
      secrets,
      dir: stackDir,
      identity: { siwt: { ...SIWT }, jwt: { issuer: "tron-auth-edge", audience: "tron-auth-api" } },
      ports: ANY_PORTS,
      bridgeEnv: { NODE_ENV: "development" },
      workerEntry: WORKER_ENTRY,
      edgeVars: limitVars(),
      log: (line) => say(`loadtest: ${line}`),
    });
    const edge = stack.urls.edge ?? "";
    const plan = counts(users);
    say(
      `loadtest: provisioning ${plan.member} members, ${plan.admin} admins, ${plan.flood} flood client (SIWT sign-ins)`,
    );
    const clients = await provisionClients(edge, secrets.superAdmin, plan);
    const userIds = [...clients.member, ...clients.admin].flatMap((c) => (c.userId ? [c.userId] : []));
    writeFileSync(planPath, JSON.stringify({ clients, cycles: CYCLES, pace: PACE, userIds }), {
      mode: 0o600,
    });

    say(`loadtest: Locust, ${users} clients for ${seconds} s against ${edge}`);
    const code = await runLocust({ host: edge, planPath, outDir, users, seconds });
    const outcomes = join(outDir, "outcomes.json");
    let summary: ReturnType<typeof summarize>;
    try {
      summary = summarize(outcomes);
    } catch {
      throw new Error(`Locust exited ${code} without results; see ${join(outDir, "locust.log")}`);
    }
    say(`\n${table(outcomes, summary)}\n`);
    writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);

    const machine = `${cpus().length} cores`;
    const title =
      `npm run loadtest: ${users} clients, ${seconds} s, ${summary.requestsPerSecond.toFixed(0)} req/s, ` +
      `p50 ${summary.p50} / p95 ${summary.p95} / p99 ${summary.p99} ms, ${summary.designed429} designed 429s ` +
      `(${new Date().toISOString().slice(0, 10)}, ${machine})`;
    const plotted = await plot(join(outDir, "timeline.csv"), args.plot, title, join(outDir, "plot.log"));
    if (plotted !== 0) throw new Error(`the plot failed; see ${join(outDir, "plot.log")}`);
    say(`loadtest: plot in ${args.plot}; CSV files and summary.json in ${outDir}`);

    if (summary.requests === 0) {
      say("loadtest: FAILED, no request was made");
      return 1;
    }
    if (Object.keys(summary.unexpected).length > 0) {
      say(
        `loadtest: FAILED, failures besides the designed 429s (details in ${join(outDir, "locust_failures.csv")})`,
      );
      return 1;
    }
    return 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`loadtest failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
