/**
 * `npm run soak [-- --minutes 10 --clients 12 --pace-ms 250 --warmup-seconds 60]`: moderate load
 * through the whole local stack while the memory and file descriptors of the bridge and of
 * workerd, and the worker isolate's heap, are sampled; prints the table and exits 1 when a fitted
 * slope passes its threshold (soak.ts THRESHOLDS) or the load itself failed.
 */
import { parseArgs } from "node:util";
import { runSoak, soakTable } from "./soak.ts";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    clients: { type: "string", default: "12" },
    "pace-ms": { type: "string", default: "250" },
    "warmup-seconds": { type: "string", default: "60" },
    "sample-seconds": { type: "string", default: "5" },
  },
});
const numbers = {
  minutes: Number(args.minutes),
  clients: Number(args.clients),
  paceMs: Number(args["pace-ms"]),
  warmupSeconds: Number(args["warmup-seconds"]),
  sampleEverySeconds: Number(args["sample-seconds"]),
};
if (Object.values(numbers).some((n) => !Number.isFinite(n) || n <= 0)) {
  console.error("soak: every option takes a positive number");
  process.exit(2);
}

runSoak({ ...numbers, log: (line) => process.stdout.write(`${line}\n`) }).then(
  (report) => {
    process.stdout.write(`\n${soakTable(report)}\n`);
    process.stdout.write(report.ok ? "\nsoak: passed\n" : "\nsoak: FAILED\n");
    process.exit(report.ok ? 0 : 1);
  },
  (error: unknown) => {
    console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
