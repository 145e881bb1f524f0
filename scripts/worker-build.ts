/**
 * `npm run build -w worker` (scripts/worker-build.ts): the production bundle as `wrangler deploy` would upload it (a dry
 * run), and its budget: the upload, gzip, must stay under WORKER_BUNDLE_BUDGET_KIB, since every
 * cold start parses all of it. Fails the build (and CI) when it does not.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const WORKER_BUNDLE_BUDGET_KIB = 100;
const ROOT = join(import.meta.dirname, "..");

const run = spawnSync(
  join(ROOT, "node_modules", ".bin", "wrangler"),
  [
    "deploy",
    "--dry-run",
    "--env",
    "production",
    "--outdir",
    join(ROOT, ".cache", "worker-build"),
    "--config",
    join(ROOT, "wrangler.toml"),
  ],
  { cwd: join(ROOT, "worker"), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
process.stdout.write(run.stdout);
if (run.status !== 0) process.exit(run.status ?? 1);
const gzip = Number(/Total Upload: [0-9.]+ KiB \/ gzip: ([0-9.]+) KiB/.exec(run.stdout)?.[1]);
if (!Number.isFinite(gzip)) {
  process.stderr.write("worker build: wrangler did not print the upload size\n");
  process.exit(1);
}
process.stdout.write(`worker bundle: ${gzip} KiB gzip (budget ${WORKER_BUNDLE_BUDGET_KIB} KiB)\n`);
if (gzip > WORKER_BUNDLE_BUDGET_KIB) {
  process.stderr.write("the worker bundle is over its budget\n");
  process.exit(1);
}
