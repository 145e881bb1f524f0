// npm run bench: every benchmark, one after the other (they share the machine's two cores).
// Numbers only; nothing here passes or fails on speed.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const benches = [join(root, "bridge", "bench", "run.ts"), join(root, "worker", "bench", "run.ts")];

for (const script of benches) {
  const result = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", script], {
    stdio: "inherit",
    cwd: join(script, "..", ".."),
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  process.stdout.write("\n");
}
