import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { BridgeEnv } from "../http/types.ts";
import { applyConnectionLimits, type ListenerLimits, serverOptionsFor } from "./listener-limits.ts";

export type TlsMaterial = { certPem: string; keyPem: string; clientCaPem: string };

export type BridgeServer = {
  port: number;
  url: string;
  server: Server;
  /**
   * Stops accepting, lets in-flight requests finish, closes keep-alive connections as they go
   * idle, and cuts whatever is still open after `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
  /** New certificates for new connections without dropping the listener (SIGHUP). */
  reloadTls(tls: TlsMaterial): void;
  /** Open connections, handshaking ones included (what the caps count). */
  openConnections(): Promise<number>;
};

function secureOptions(tls: TlsMaterial) {
  return {
    cert: tls.certPem,
    key: tls.keyPem,
    ca: tls.clientCaPem,
    // The client certificate is required at the handshake: no request is ever parsed without one.
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2" as const,
  };
}

export async function startBridgeServer(opts: {
  app: Hono<BridgeEnv>;
  tls: TlsMaterial;
  host: string;
  port: number;
  limits: ListenerLimits;
}): Promise<BridgeServer> {
  const server = createServer(
    { ...secureOptions(opts.tls), ...serverOptionsFor(opts.limits) },
    getRequestListener(opts.app.fetch),
  );
  applyConnectionLimits(server, opts.limits);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://${opts.host}:${port}`,
    server,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        // A keep-alive connection that just finished its request is idle only after it answered.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
    reloadTls: (tls) => server.setSecureContext(secureOptions(tls)),
    openConnections: () =>
      new Promise((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      ),
  };
}
