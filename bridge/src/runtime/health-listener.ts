import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import type { Probe } from "../health/report.ts";
import { notFound } from "../http/problem-response.ts";
import type { BridgeEnv } from "../http/types.ts";
import { healthRoutes } from "../routes/health.ts";

export type HealthListener = { url: string; close(): Promise<void> };

/**
 * Health only, plain HTTP, bound to loopback by default: the container HEALTHCHECK runs inside
 * the container without the worker's client certificate, and this listener can do nothing else.
 */
export async function startHealthListener(opts: {
  host: string;
  port: number;
  version: string;
  probes: readonly Probe[];
}): Promise<HealthListener> {
  const app = new Hono<BridgeEnv>().route("/", healthRoutes(opts.version, opts.probes));
  app.notFound(notFound);
  const server: Server = createServer({ requestTimeout: 5_000 }, getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
