import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { request } from "node:https";
import type { AddressInfo } from "node:net";

export type ForwarderOptions = {
  /** Loopback only: this process holds a client certificate and must not be a relay for others. */
  port: number;
  target: { host: string; port: number; servername: string };
  tls: { caPem: string; certPem: string; keyPem: string };
};

export type ForwarderHandle = { url: string; port: number; stop(): Promise<void> };

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "host",
  "proxy-connection",
]);

/**
 * Development only. `wrangler dev` cannot present a client certificate (mTLS bindings are not
 * supported locally), so the worker calls this forwarder over plain HTTP on 127.0.0.1, and the
 * forwarder opens the mTLS connection to the bridge with the development client certificate.
 * The bridge itself still refuses any connection without a client certificate.
 */
export async function startMtlsForwarder(opts: ForwarderOptions): Promise<ForwarderHandle> {
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())),
    );
    const upstream = request(
      {
        host: opts.target.host,
        port: opts.target.port,
        servername: opts.target.servername,
        method: req.method,
        path: req.url,
        headers,
        ca: opts.tls.caPem,
        cert: opts.tls.certPem,
        key: opts.tls.keyPem,
        timeout: 30_000,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/problem+json" });
      res.end(
        JSON.stringify({
          type: "about:blank",
          title: "Bridge unavailable",
          status: 502,
          code: "bridge_unavailable",
        }),
      );
    });
    req.pipe(upstream);
  };
  const server = createServer(forward);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
