import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { residentMb } from "../bench/stats.ts";
import { descendantNamed, openFds, slope } from "./sampler.ts";
import { startTraffic, type Tally } from "./traffic.ts";
import { connectWorkerHeap } from "./worker-heap.ts";

/**
 * What "flat" means, per minute after the warm-up, fitted by least squares to the floor of each
 * half-minute (each window's lowest sample; see floors()).
 * Memory: a leak of one small object per request (about 50 requests a second here) shows as
 * several MB a minute; a settled heap stays well under one. Descriptors: sockets in flight make
 * the count wander by a dozen, a slope of a few over ten minutes; one leaked per session would
 * climb by about 45 a minute here, one per request by thousands.
 */
export const THRESHOLDS = { mbPerMinute: 1.5, fdsPerMinute: 1 } as const;

export type Thresholds = { mbPerMinute: number; fdsPerMinute: number };

export type SoakOptions = {
  minutes: number;
  /** Samples before this are shown but not fitted: start-up, JIT and caches filling. */
  warmupSeconds: number;
  clients: number;
  paceMs: number;
  sampleEverySeconds: number;
  /** Overrides THRESHOLDS (the short test uses generous bounds). */
  thresholds?: Thresholds;
  log?: (line: string) => void;
};

/** One measured quantity over the run. `limit` undefined: reported, not judged. */
export type Series = {
  name: string;
  unit: "MB" | "fds";
  points: { atSeconds: number; value: number }[];
  perMinute: number;
  /** The slope over the run's second half alone: whether growth is settling or not. */
  latePerMinute: number;
  limit: number | undefined;
  ok: boolean;
};

export type SoakReport = { seconds: number; series: Series[]; tally: Tally; ok: boolean };

/** Samples per window whose lowest value is fitted. */
const FLOOR_WINDOW_SAMPLES = 6;

/**
 * Each window's lowest sample, in minutes: what is left after the collector ran and with no
 * request in flight. A heap's saw-tooth (tens of MB between collections) and sockets in flight
 * are noise to a straight line through every sample; a leak raises the floor.
 */
function floors(points: readonly { atSeconds: number; value: number }[], windowSeconds: number) {
  const byWindow = new Map<number, { x: number; y: number }>();
  for (const p of points) {
    const w = Math.floor(p.atSeconds / windowSeconds);
    const current = byWindow.get(w);
    if (!current || p.value < current.y) byWindow.set(w, { x: p.atSeconds / 60, y: p.value });
  }
  return [...byWindow.values()];
}

/** The stack in its own process (host.ts); resolves once it is ready. */
async function startHost(): Promise<{ child: ChildProcess; edge: string; inspectorPort: number }> {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", join(import.meta.dirname, "host.ts")],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the stack exited (${code}) before it was ready`)));
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return;
      const ready = JSON.parse(line) as { edge?: string; inspectorPort?: number };
      if (ready.edge && ready.inspectorPort)
        resolve({ child, edge: ready.edge, inspectorPort: ready.inspectorPort });
    });
  });
}

async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(killer);
}

/**
 * Runs moderate traffic through the whole local stack for `minutes`, sampling the resident
 * memory and open descriptors of the stack's process (the bridge, with the Upstash-compatible
 * server beside it) and of workerd, and the worker isolate's heap; fits the slopes after the
 * warm-up. workerd's RSS is reported, not judged: it holds the local runtime (see worker-heap.ts).
 */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? (() => undefined);
  const limits = o.thresholds ?? THRESHOLDS;
  log("soak: starting the local stack (workerd, Upstash REST + redis-server, bridge over mTLS, FerretDB)");
  const { child, edge, inspectorPort } = await startHost();
  try {
    const bridge = child.pid ?? 0;
    const workerd = descendantNamed(bridge, "workerd");
    if (!workerd) throw new Error("workerd was not found among the stack's processes");
    const heap = await connectWorkerHeap(inspectorPort);
    const probes: {
      name: string;
      unit: Series["unit"];
      limit: number | undefined;
      read(): Promise<number>;
    }[] = [
      {
        name: "bridge process RSS",
        unit: "MB",
        limit: limits.mbPerMinute,
        read: async () => residentMb(bridge),
      },
      {
        name: "bridge process fds",
        unit: "fds",
        limit: limits.fdsPerMinute,
        read: async () => openFds(bridge),
      },
      { name: "worker isolate heap", unit: "MB", limit: limits.mbPerMinute, read: () => heap.usedMb() },
      { name: "workerd fds", unit: "fds", limit: limits.fdsPerMinute, read: async () => openFds(workerd) },
      { name: "workerd RSS (runtime)", unit: "MB", limit: undefined, read: async () => residentMb(workerd) },
    ];
    const points = probes.map(() => [] as Series["points"]);
    const started = performance.now();
    const takeSample = async () => {
      const atSeconds = (performance.now() - started) / 1000;
      const values = await Promise.all(probes.map((p) => p.read()));
      values.forEach((value, i) => void points[i]?.push({ atSeconds, value }));
      return { atSeconds, values };
    };
    log(`soak: ${o.clients} clients every ${o.paceMs} ms for ${o.minutes} min against ${edge}`);
    const traffic = startTraffic(edge, o.clients, o.paceMs);
    const end = started + o.minutes * 60_000;
    while (performance.now() < end) {
      const { atSeconds, values } = await takeSample();
      const requests = Object.values(traffic.tally).reduce((a, b) => a + b, 0);
      const shown = probes.map(
        (p, i) => `${p.name.split(" (")[0]} ${values[i]?.toFixed(p.unit === "MB" ? 1 : 0)}`,
      );
      log(`soak: ${atSeconds.toFixed(0).padStart(4)} s  ${requests} requests  ${shown.join("  ")}`);
      const wait = Math.min(o.sampleEverySeconds * 1000, Math.max(0, end - performance.now()));
      await new Promise((r) => setTimeout(r, wait));
    }
    const tally = await traffic.stop();
    const { atSeconds: seconds } = await takeSample();
    heap.close();
    const series = probes.map((p, i): Series => {
      const all = points[i] ?? [];
      const fit = (from: number) =>
        slope(
          floors(
            all.filter((s) => s.atSeconds >= from),
            FLOOR_WINDOW_SAMPLES * o.sampleEverySeconds,
          ),
        );
      const perMinute = fit(o.warmupSeconds);
      return {
        name: p.name,
        unit: p.unit,
        points: all,
        perMinute,
        latePerMinute: fit(seconds / 2),
        limit: p.limit,
        ok: p.limit === undefined || perMinute <= p.limit,
      };
    });
    const total = Object.values(tally).reduce((a, b) => a + b, 0);
    const served = Object.entries(tally)
      .filter(([k]) => / 2\d\d$/.test(k))
      .reduce((a, [, n]) => a + n, 0);
    // A soak whose load failed measured an idle system: that is no pass.
    const loadHeld = total > 0 && served / total >= 0.99;
    return { seconds, series, tally, ok: loadHeld && series.every((s) => s.ok) };
  } finally {
    await stopHost(child);
  }
}

/** The report as the table `npm run soak` prints. */
export function soakTable(r: SoakReport): string {
  const rows = r.series.map((s) => {
    const digits = s.unit === "MB" ? 1 : 0;
    const first = s.points[0]?.value.toFixed(digits);
    const last = s.points.at(-1)?.value.toFixed(digits);
    return [
      s.name.padEnd(22),
      `${first} -> ${last} ${s.unit}`.padStart(20),
      `${s.perMinute.toFixed(3)}/min`.padStart(12),
      `${s.latePerMinute.toFixed(3)}/min`.padStart(14),
      (s.limit === undefined ? "reported" : `<= ${s.limit}`).padStart(9),
      s.ok ? "ok" : "FAILED",
    ].join("  ");
  });
  const total = Object.values(r.tally).reduce((a, b) => a + b, 0);
  const outcomes = Object.entries(r.tally)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `  ${k.padEnd(34)} ${String(n).padStart(8)}`);
  return [
    `${"series".padEnd(22)}  ${"first -> last".padStart(20)}  ${"slope".padStart(12)}  ${"2nd half".padStart(14)}  ${"limit".padStart(9)}`,
    ...rows,
    "slopes: least squares over each window's lowest sample after the warm-up; 2nd half: the same over the second half",
    "",
    `requests: ${total} in ${r.seconds.toFixed(0)} s (${(total / r.seconds).toFixed(1)} req/s)`,
    ...outcomes,
  ].join("\n");
}
