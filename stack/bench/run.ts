// npm run bench [-- bridge|worker]: the benchmarks, one after the other (they share the machine's
// two cores). Numbers only; nothing here passes or fails on speed.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const BENCHES = {
  bridge: join(import.meta.dirname, "bridge.ts"),
  worker: join(import.meta.dirname, "worker.ts"),
};
type Bench = keyof typeof BENCHES;

const isBench = (name: string): name is Bench => Object.hasOwn(BENCHES, name);
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !isBench(name));
if (unknown.length > 0) {
  console.error(`bench: unknown ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`);
  process.exit(2);
}
const chosen = asked.length > 0 ? asked.filter(isBench) : (Object.keys(BENCHES) as Bench[]);

for (const name of chosen) {
  const result = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", BENCHES[name]], {
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  process.stdout.write("\n");
}
