import { Hono } from "hono";
import { type HealthReport, overall, type Probe, runProbes } from "../health/report.ts";
import type { BridgeEnv } from "../http/types.ts";

const SERVICE = "auth-bridge" as const;

/** `/health` is liveness (no I/O); `/health/ready` probes dependencies and answers 503 when unhealthy. */
export function healthRoutes(version: string, probes: readonly Probe[]) {
  return new Hono<BridgeEnv>()
    .get("/health", (c) => {
      const body: HealthReport = {
        status: "healthy",
        service: SERVICE,
        version,
        timestamp: new Date().toISOString(),
        dependencies: {},
      };
      return c.json(body);
    })
    .get("/health/ready", async (c) => {
      const dependencies = await runProbes(probes, 2_000);
      const status = overall(probes, dependencies);
      const body: HealthReport = {
        status,
        service: SERVICE,
        version,
        timestamp: new Date().toISOString(),
        dependencies,
      };
      return c.json(body, status === "unhealthy" ? 503 : 200);
    });
}
