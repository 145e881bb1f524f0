// `npm run mutate`: StrykerJS over the security-critical modules (stryker.config.mjs), then the
// mutation score per module and overall from its JSON report. Fails when a module or the whole
// is under 90%. Arguments go to `stryker run` (e.g. `--mutate worker/src/limits/lease.ts` while
// iterating, `--force` to ignore the incremental file).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const BREAK = 90;

/** The modules the issue names, by path prefix; a mutated file outside them is its own row. */
const MODULES: readonly [string, string][] = [
  ["SIWT (shared/src/siwt)", "shared/src/siwt/"],
  ["permissions, roles, grants (shared/src/auth)", "shared/src/auth/"],
  ["internal assertion (bridge)", "bridge/src/auth/"],
  ["wallet policy (bridge)", "bridge/src/wallet/"],
  ["TRON signatures (bridge)", "bridge/src/tron/"],
  ["tokens (worker, pure parts)", "worker/src/tokens/"],
  ["sessions (worker, pure parts)", "worker/src/sessions/"],
  ["limits (worker, leases)", "worker/src/limits/"],
];

type Report = { files: Record<string, { mutants: { status: string }[] }> };
type Tally = { detected: number; undetected: number };

const root = join(import.meta.dirname, "..");
const stryker = join(root, "node_modules", ".bin", "stryker");
const run = spawnSync(stryker, ["run", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
if (run.status !== 0 && run.status !== 1) process.exit(run.status ?? 1);

let report: Report;
try {
  report = JSON.parse(readFileSync(join(root, ".cache", "mutation", "mutation.json"), "utf8")) as Report;
} catch {
  console.error("Stryker wrote no report (.cache/mutation/mutation.json): it did not run to completion.");
  process.exit(1);
}

// Stryker's score: killed and timed-out mutants over those plus survivors and uncovered ones.
// Compile errors and ignored mutants are in neither.
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const tallies = new Map<string, Tally>();
for (const [file, { mutants }] of Object.entries(report.files)) {
  const path = file.replaceAll("\\", "/");
  const name = MODULES.find(([, prefix]) => path.startsWith(prefix))?.[0] ?? path;
  const tally = tallies.get(name) ?? { detected: 0, undetected: 0 };
  for (const { status } of mutants) {
    if (DETECTED.has(status)) tally.detected += 1;
    if (UNDETECTED.has(status)) tally.undetected += 1;
  }
  tallies.set(name, tally);
}
const total: Tally = {
  detected: [...tallies.values()].reduce((n, t) => n + t.detected, 0),
  undetected: [...tallies.values()].reduce((n, t) => n + t.undetected, 0),
};

const score = (t: Tally) =>
  t.detected + t.undetected === 0 ? 100 : (100 * t.detected) / (t.detected + t.undetected);
const rows = [...tallies].map(([name, t]) => [name, t] as const);
rows.push(["overall", total]);
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\n${"module".padEnd(width)}  score    detected  undetected`);
for (const [name, t] of rows) {
  const mark = score(t) < BREAK ? "  < 90%" : "";
  console.log(
    `${name.padEnd(width)}  ${score(t).toFixed(2).padStart(6)}%  ${String(t.detected).padStart(8)}  ${String(t.undetected).padStart(10)}${mark}`,
  );
}
const failing = rows.filter(([, t]) => score(t) < BREAK);
if (failing.length > 0) {
  console.error(`\nMutation score under ${BREAK}%: ${failing.map(([name]) => name).join(", ")}.`);
  process.exit(1);
}
process.exit(run.status === 0 ? 0 : 1);
