/**
 * Runs the Python side of the load test: Locust (headless) and the plot, with the virtualenv that
 * scripts/toolchain.sh's ensure_loadtest_python installs. Asynchronous on purpose: the stack's
 * Upstash-compatible server and bridge run in this process and must keep serving meanwhile.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const PYTHON = join(ROOT, ".cache", "loadtest-venv", "bin", "python");
const HERE = import.meta.dirname;

/** Runs the venv's python with `args`, its output appended to `logPath`; resolves with the exit code. */
function python(args: string[], logPath: string, env: Record<string, string> = {}): Promise<number> {
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing: run the load test with npm run loadtest, which installs Locust`);
  const log = createWriteStream(logPath, { flags: "a" });
  const child = spawn(PYTHON, args, {
    cwd: HERE,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      log.end();
      resolve(code ?? 1);
    });
  });
}

export type LocustRun = { host: string; planPath: string; outDir: string; users: number; seconds: number };

/** Locust headless for `seconds`; its CSV files land in outDir as locust_*.csv, its final stats in locust.json. */
export function runLocust(run: LocustRun): Promise<number> {
  return python(
    [
      "-m",
      "locust",
      "--locustfile",
      join(HERE, "locustfile.py"),
      "--headless",
      "--users",
      String(run.users),
      // Every client starts from its provisioned session, so all can start within about 2 s.
      "--spawn-rate",
      String(Math.max(1, Math.ceil(run.users / 2))),
      "--run-time",
      `${run.seconds}s`,
      "--host",
      run.host,
      "--csv",
      join(run.outDir, "locust"),
      "--csv-full-history",
      // The CSV files are rewritten once a second while running; this is the final count.
      // (Locust appends ".json" to the name.)
      "--json-file",
      join(run.outDir, "locust"),
      "--only-summary",
      "--stop-timeout",
      "5",
      // The verdict is ours (report.ts): the flood client's 429s are not errors.
      "--exit-code-on-error",
      "0",
      "--loglevel",
      "WARNING",
    ],
    join(run.outDir, "locust.log"),
    { LOADTEST_PLAN: run.planPath, LOADTEST_OUT: run.outDir },
  );
}

export function plot(timelineCsv: string, png: string, title: string, logPath: string): Promise<number> {
  return python([join(HERE, "plot.py"), timelineCsv, png, title], logPath);
}
