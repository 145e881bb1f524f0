import { readdirSync, readFileSync } from "node:fs";

/** Latency summaries for the benchmark tables: nearest-rank percentiles over sorted samples. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const rank = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[rank] ?? Number.NaN;
}

export type LoadResult = { requests: number; seconds: number; p50: number; p99: number };

/** Runs `task` `total` times with `concurrency` workers; each task's latency is measured alone. */
export async function load(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: total, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in ms (Linux: /proc/<pid>/stat, 10 ms ticks). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** The ids of this process's children running `command` (e.g. Miniflare's workerd). */
export function childPids(command: string): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^[0-9]+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = /\((.*)\)/.exec(stat)?.[1];
      const ppid = Number(stat.replace(/^.*\) /, "").split(" ")[1]);
      return ppid === process.pid && comm === command ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}
