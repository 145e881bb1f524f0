import * as z from "zod/mini";
import { callBridge } from "../bridge/client.ts";
import type { Define } from "../http/routes.ts";
import { PUBLIC } from "../http/routes.ts";
import type { Env } from "../platform/env.ts";
import { redisFor } from "../platform/redis.ts";

type DependencyState = "healthy" | "unhealthy";

const PROBE_TIMEOUT_MS = 2_000;

async function probeRedis(env: Env): Promise<DependencyState> {
  try {
    const pong = await Promise.race([
      redisFor(env).ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS)),
    ]);
    return pong === "PONG" ? "healthy" : "unhealthy";
  } catch {
    return "unhealthy";
  }
}

async function probeBridge(env: Env): Promise<DependencyState> {
  try {
    const res = await callBridge(env, "/health", { timeoutMs: PROBE_TIMEOUT_MS });
    await res.body?.cancel();
    return res.ok ? "healthy" : "unhealthy";
  } catch {
    return "unhealthy";
  }
}

const healthResponse = z.object({
  status: z.enum(["healthy", "degraded", "unhealthy"]),
  service: z.literal("auth-edge"),
  version: z.string(),
  timestamp: z.iso.datetime(),
  dependencies: z.object({
    redis: z.enum(["healthy", "unhealthy"]),
    bridge: z.enum(["healthy", "unhealthy"]),
  }),
});

/**
 * Redis carries every authenticated request, so without it the edge is unhealthy (503). Without
 * the bridge, tokens still verify and refresh at the edge (the Pi may be offline for a while, and
 * only sign-in, admin writes and signing need it): degraded, still 200.
 */
export function registerHealthRoutes(define: Define): void {
  define(
    {
      method: "get",
      path: "/health",
      access: PUBLIC,
      tag: "health",
      status: 200,
      summary: "Health with dependencies",
      response: healthResponse,
      alternatives: { 503: { description: "Unhealthy: Redis is down", body: healthResponse } },
    },
    async (c) => {
      const [redis, bridge] = await Promise.all([probeRedis(c.env), probeBridge(c.env)]);
      const status = redis === "unhealthy" ? "unhealthy" : bridge === "unhealthy" ? "degraded" : "healthy";
      return c.json(
        {
          status,
          service: "auth-edge",
          version: c.env.SERVICE_VERSION ?? "1.0.0",
          timestamp: new Date().toISOString(),
          dependencies: { redis, bridge },
        },
        status === "unhealthy" ? 503 : 200,
        { "Cache-Control": "no-store" },
      );
    },
  );
}
