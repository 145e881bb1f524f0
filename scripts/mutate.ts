// `npm run mutate`: StrykerJS over the security-critical modules (stryker.config.mjs), in its two
// parts, then the mutation score per module and overall from their JSON reports. Fails when a
// module or the whole is under 90%. `--part units|bridge` runs one part (the summary still reads
// the other's last report); other arguments go to `stryker run` (e.g. `--mutate
// worker/src/limits/lease.ts` while iterating, `--force` to ignore the incremental files).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const BREAK = 90;
const PARTS = ["units", "bridge"] as const;

/** The modules the issue names, by path prefix; a mutated file outside them is its own row. */
const MODULES: readonly [string, string][] = [
  ["SIWT (shared/src/siwt)", "shared/src/siwt/"],
  ["roles, permissions, grants (shared/src/auth)", "shared/src/auth/"],
  ["tokens (worker, pure parts)", "worker/src/tokens/"],
  ["sessions (worker, pure parts)", "worker/src/sessions/"],
  ["limits (worker, leases)", "worker/src/limits/"],
  ["internal assertion (bridge)", "bridge/src/auth/"],
  ["TRON signatures (bridge)", "bridge/src/tron/"],
  ["wallet policy (bridge)", "bridge/src/wallet/"],
];

type Mutant = { status: string };
type Report = { files: Record<string, { mutants: Mutant[] }> };
type Tally = { detected: number; undetected: number; ignored: number };

const root = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const partFlag = args.indexOf("--part");
const only = partFlag >= 0 ? args[partFlag + 1] : undefined;
if (only !== undefined && !PARTS.some((p) => p === only)) {
  console.error(`--part must be one of ${PARTS.join(", ")}`);
  process.exit(2);
}
const strykerArgs = partFlag >= 0 ? args.filter((_, i) => i !== partFlag && i !== partFlag + 1) : args;

let failedRun = false;
for (const part of PARTS.filter((p) => only === undefined || p === only)) {
  console.log(`\n== mutation testing, part "${part}"`);
  const run = spawnSync(join(root, "node_modules", ".bin", "stryker"), ["run", ...strykerArgs], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, MUTATE_PART: part },
  });
  if (run.status !== 0) failedRun = true;
}

// Stryker's score: killed and timed-out mutants over those plus survivors and uncovered ones.
// Compile errors and ignored (static, in the bridge part) mutants are in neither.
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const tallies = new Map<string, Tally>(
  MODULES.map(([name]) => [name, { detected: 0, undetected: 0, ignored: 0 }]),
);
for (const part of PARTS) {
  const file = join(root, ".cache", "mutation", `${part}.json`);
  if (!existsSync(file)) {
    console.error(`No report for part "${part}" (${file}): run it first.`);
    process.exit(1);
  }
  const report = JSON.parse(readFileSync(file, "utf8")) as Report;
  for (const [path, { mutants }] of Object.entries(report.files)) {
    const name = MODULES.find(([, prefix]) => path.replaceAll("\\", "/").startsWith(prefix))?.[0] ?? path;
    const tally = tallies.get(name) ?? { detected: 0, undetected: 0, ignored: 0 };
    for (const { status } of mutants) {
      if (DETECTED.has(status)) tally.detected += 1;
      else if (UNDETECTED.has(status)) tally.undetected += 1;
      else if (status === "Ignored") tally.ignored += 1;
    }
    tallies.set(name, tally);
  }
}

const sum = (key: keyof Tally) => [...tallies.values()].reduce((n, t) => n + t[key], 0);
const rows: [string, Tally][] = [
  ...tallies,
  ["overall", { detected: sum("detected"), undetected: sum("undetected"), ignored: sum("ignored") }],
];
const score = (t: Tally) =>
  t.detected + t.undetected === 0 ? 100 : (100 * t.detected) / (t.detected + t.undetected);
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\n${"module".padEnd(width)}   score  detected  undetected  ignored`);
for (const [name, t] of rows) {
  const cells = [
    `${score(t).toFixed(2).padStart(6)}%`,
    String(t.detected).padStart(8),
    String(t.undetected).padStart(10),
    String(t.ignored).padStart(7),
  ];
  console.log(`${name.padEnd(width)}  ${cells.join("  ")}${score(t) < BREAK ? "  < 90%" : ""}`);
}
const failing = rows.filter(([, t]) => score(t) < BREAK);
if (failing.length > 0) {
  console.error(`\nMutation score under ${BREAK}%: ${failing.map(([name]) => name).join(", ")}.`);
  process.exit(1);
}
if (failedRun) {
  console.error("\nA Stryker run failed (see above).");
  process.exit(1);
}
