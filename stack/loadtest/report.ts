/**
 * The load test's table and verdict, from what locustfile.py tallied (outcomes.json). The seeds'
 * targets are printed beside the figures, not enforced: speed depends on the machine. What fails
 * the run is correctness: no request at all, or any failure besides the designed 429s.
 */
import { readFileSync } from "node:fs";

type Figures = { requests: number; p50: number; p95: number; p99: number };
type Counts = Record<string, number>;
type Outcomes = {
  seconds: number;
  all: Figures;
  names: Record<string, Figures & { statuses: Counts; unexpected: Counts }>;
  /** The request name whose 429s are the designed refusals. */
  designed429: string;
};

export type LoadtestSummary = Figures & {
  seconds: number;
  requestsPerSecond: number;
  designed429: number;
  /** Failures besides the designed 429s, by status (0: no response). */
  unexpected: Counts;
  targets: { name: string; value: string; met: boolean }[];
};

export const TARGETS = { requestsPerSecond: 1_000, p95: 50, p99: 100 } as const;

const sum = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);

export function summarize(outcomesPath: string): LoadtestSummary {
  const o = JSON.parse(readFileSync(outcomesPath, "utf8")) as Outcomes;
  const unexpected: Counts = {};
  for (const row of Object.values(o.names))
    for (const [status, n] of Object.entries(row.unexpected))
      unexpected[status] = (unexpected[status] ?? 0) + n;
  const requestsPerSecond = o.seconds > 0 ? o.all.requests / o.seconds : 0;
  const failures = sum(unexpected);
  return {
    ...o.all,
    seconds: o.seconds,
    requestsPerSecond,
    designed429: o.names[o.designed429]?.statuses["429"] ?? 0,
    unexpected,
    targets: [
      {
        name: `> ${TARGETS.requestsPerSecond} req/s`,
        value: requestsPerSecond.toFixed(0),
        met: requestsPerSecond > TARGETS.requestsPerSecond,
      },
      { name: `p95 < ${TARGETS.p95} ms`, value: `${o.all.p95} ms`, met: o.all.p95 < TARGETS.p95 },
      { name: `p99 < ${TARGETS.p99} ms`, value: `${o.all.p99} ms`, met: o.all.p99 < TARGETS.p99 },
      { name: "no errors besides the designed 429s", value: String(failures), met: failures === 0 },
    ],
  };
}

const statuses = (counts: Counts) =>
  Object.entries(counts)
    .map(([status, n]) => `${status === "0" ? "no response" : status} x${n}`)
    .join(", ");

export function table(outcomesPath: string, s: LoadtestSummary): string {
  const o = JSON.parse(readFileSync(outcomesPath, "utf8")) as Outcomes;
  const line = (name: string, f: Figures, rest: string) =>
    `  ${name.padEnd(34)} ${String(f.requests).padStart(8)} ${(f.requests / s.seconds).toFixed(1).padStart(8)} ${f.p50.toFixed(1).padStart(7)} ${f.p95.toFixed(1).padStart(7)} ${f.p99.toFixed(1).padStart(7)}  ${rest}`;
  const rows = [
    `  ${"request".padEnd(34)} ${"requests".padStart(8)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"p99 ms".padStart(7)}  statuses`,
    ...Object.entries(o.names).map(([name, row]) => line(name, row, statuses(row.statuses))),
    line("all", s, ""),
    "",
    `  ${s.requests} requests in ${s.seconds.toFixed(1)} s: ${s.requestsPerSecond.toFixed(0)} req/s; designed 429s (the flood client): ${s.designed429}`,
    `  failures besides the designed 429s: ${sum(s.unexpected) === 0 ? "none" : statuses(s.unexpected)}`,
    "",
    "  the seeds' targets:",
    ...s.targets.map((t) => `    ${t.name.padEnd(38)} ${t.value.padStart(10)}  ${t.met ? "met" : "NOT met"}`),
  ];
  return rows.join("\n");
}
