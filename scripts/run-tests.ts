// Runs vitest over all workspaces and closes with one plain line, "Tests: N passed, N failed",
// which CI reads. Skipped or todo tests fail the run under CI: a skipped test is not a pass.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type VitestJsonReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  success: boolean;
};

const root = join(import.meta.dirname, "..");
const reportPath = join(root, ".cache", "test-report.json");
mkdirSync(join(root, ".cache"), { recursive: true });

const vitest = join(root, "node_modules", ".bin", "vitest");
const run = spawnSync(
  vitest,
  [
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${reportPath}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit" },
);

let report: VitestJsonReport;
try {
  report = JSON.parse(readFileSync(reportPath, "utf8")) as VitestJsonReport;
} catch {
  console.error("No test report was written: vitest did not run to completion.");
  process.exit(run.status || 1);
}

const skipped = report.numPendingTests + report.numTodoTests;
const skippedNote = skipped > 0 ? `, ${skipped} skipped` : "";
console.log(`Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skippedNote}`);

if (report.numTotalTests === 0) {
  console.error("No test ran.");
  process.exit(1);
}
if (process.env.CI && skipped > 0) {
  console.error("Skipped tests are not allowed in CI.");
  process.exit(1);
}
process.exit(run.status ?? 1);
