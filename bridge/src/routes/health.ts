import { Hono } from "hono";
import { overall, type Probe, runProbes } from "../health/report.ts";
import type { BridgeEnv } from "../http/types.ts";

const SERVICE = "auth-bridge" as const;

/** `/health` is liveness (no I/O); `/health/ready` probes dependencies and answers 503 when unhealthy. */
export function healthRoutes(version: string, probes: readonly Probe[]) {
  return new Hono<BridgeEnv>()
    .get("/health", (c) =>
      c.json({
        status: "healthy",
        service: SERVICE,
        version,
        timestamp: new Date().toISOString(),
        dependencies: {},
      }),
    )
    .get("/health/ready", async (c) => {
      const dependencies = await runProbes(probes, 2_000);
      const status = overall(probes, dependencies);
      const body = { status, service: SERVICE, version, timestamp: new Date().toISOString(), dependencies };
      return c.json(body, status === "unhealthy" ? 503 : 200);
    });
}
