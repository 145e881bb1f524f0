import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createUpstashApp } from "./app.ts";
import { Faults } from "./faults.ts";
import type { ConsumerPolicy } from "./policy.ts";
import { createResp2Client } from "./redis-client.ts";
import { ScriptMap } from "./scripts.ts";

export type UpstashRestHandle = {
  url: string;
  token: string;
  port: number;
  /** Requests received, by path: tests count Upstash round trips with it. */
  stats: Map<string, number>;
  stop(): Promise<void>;
};

export { BRIDGE_POLICY } from "./bridge-policy.ts";
export type { ConsumerPolicy } from "./policy.ts";

export async function startUpstashRest(opts: {
  redisUrl: string;
  token: string;
  /** A second token that may only do what `policy` allows (the bridge's). */
  restricted?: { token: string; policy: ConsumerPolicy };
  /** Tests only: fault injection under /_local/faults. Never in the program (main.ts). */
  faults?: boolean;
  port?: number;
  host?: string;
}): Promise<UpstashRestHandle> {
  if (opts.restricted?.token === opts.token)
    throw new Error("the restricted token must differ from the full-access token");
  const redis = createResp2Client(opts.redisUrl);
  await redis.connect();
  const stats = new Map<string, number>();
  const app = createUpstashApp({
    redis,
    token: opts.token,
    ...(opts.restricted ? { restricted: opts.restricted } : {}),
    scripts: new ScriptMap(),
    stats,
    ...(opts.faults ? { faults: new Faults() } : {}),
  });
  const host = opts.host ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    token: opts.token,
    port,
    stats,
    stop: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Keep-alive connections too (the worker's, the bridge's): stopped means nobody is served.
      if ("closeAllConnections" in server) server.closeAllConnections();
      await closed;
      await redis.quit().catch(() => undefined);
    },
  };
}
