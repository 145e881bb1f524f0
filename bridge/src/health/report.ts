export type DependencyStatus = "healthy" | "unhealthy" | "degraded" | "disabled" | string;
export type OverallStatus = "healthy" | "degraded" | "unhealthy";

export type HealthReport = {
  status: OverallStatus;
  service: "auth-bridge";
  version: string;
  timestamp: string;
  dependencies: Record<string, DependencyStatus>;
};

/** A dependency probe; `critical` ones make the bridge unhealthy (503), the rest only degraded. */
export type Probe = { name: string; critical: boolean; check: () => Promise<DependencyStatus> };

const HEALTHY = new Set(["healthy", "ready", "disabled"]);

export async function runProbes(
  probes: readonly Probe[],
  timeoutMs: number,
): Promise<Record<string, DependencyStatus>> {
  const results = await Promise.all(
    probes.map(
      async (p) => [p.name, await withTimeout(p.check(), timeoutMs).catch(() => "unhealthy")] as const,
    ),
  );
  return Object.fromEntries(results);
}

export function overall(probes: readonly Probe[], results: Record<string, DependencyStatus>): OverallStatus {
  let status: OverallStatus = "healthy";
  for (const probe of probes) {
    const result = results[probe.name] ?? "unhealthy";
    if (HEALTHY.has(result)) continue;
    if (probe.critical) return "unhealthy";
    status = "degraded";
  }
  return status;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("probe timed out")), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
