/**
 * Runs Schemathesis (`st run`) from the virtualenv scripts/toolchain.sh's ensure_fuzz_python
 * installs, with stack/fuzz/schemathesis.toml and the session hooks (hooks.py). Asynchronous on
 * purpose: the stack's Upstash-compatible server and bridge run in this process and must keep
 * serving meanwhile.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const ST = join(ROOT, ".cache", "fuzz-venv", "bin", "st");
const HERE = import.meta.dirname;

export type SchemathesisRun = {
  /** The served document, e.g. http://127.0.0.1:8787/openapi.json. */
  schemaUrl: string;
  planPath: string;
  /** Where hooks.py keeps the statuses each operation answered (JSON, written when st exits). */
  tallyPath: string;
  seed: number;
  maxExamples: number;
  /** `st run` filters and options beyond the configuration file. */
  args: string[];
  /** Each line of Schemathesis' output, as it comes. */
  onLine: (line: string) => void;
};

/** Resolves with st's exit code: 0 when no check failed and no error occurred. */
export function runSchemathesis(run: SchemathesisRun): Promise<number> {
  if (!existsSync(ST))
    throw new Error(`${ST} is missing: run the fuzzer with npm run fuzz, which installs Schemathesis`);
  const child = spawn(
    ST,
    [
      "--config-file",
      join(HERE, "schemathesis.toml"),
      "--no-color",
      "run",
      run.schemaUrl,
      "--seed",
      String(run.seed),
      "--max-examples",
      String(run.maxExamples),
      "--checks",
      "all",
      "--phases",
      "examples,coverage,fuzzing,stateful",
      ...run.args,
    ],
    {
      cwd: HERE,
      env: {
        ...process.env,
        FUZZ_PLAN: run.planPath,
        FUZZ_TALLY: run.tallyPath,
        SCHEMATHESIS_HOOKS: "hooks",
        PYTHONPATH: HERE,
        // The run's own progress bars and colours are noise in a test log.
        COLUMNS: "120",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let pending = "";
  const lines = (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) run.onLine(line);
  };
  child.stdout.on("data", lines);
  child.stderr.on("data", lines);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      if (pending) run.onLine(pending);
      resolve(code ?? 1);
    });
  });
}
