import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { createCa, issueClientCert, issueServerCert } from "@tron-auth/pki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMtlsForwarder } from "../src/mtls-forwarder.ts";

let stop: () => Promise<void>;
let forwarderUrl: string;
let deadForwarderUrl: string;

beforeAll(async () => {
  const ca = await createCa({ commonName: "fwd CA" });
  const server = await issueServerCert(ca, { commonName: "bridge", sans: ["localhost"] });
  const client = await issueClientCert(ca, { commonName: "tron-auth-worker" });
  // A stand-in for the bridge that demands a client certificate and echoes who called.
  const upstream = createServer(
    { cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
        res.writeHead(201, { "content-type": "application/json", "x-upstream": "yes" });
        res.end(
          JSON.stringify({
            cn,
            method: req.method,
            path: req.url,
            body,
            assertion: req.headers["x-internal-assertion"],
          }),
        );
      });
    },
  );
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const port = (upstream.address() as AddressInfo).port;
  const tls = { caPem: ca.certPem, certPem: client.certPem, keyPem: client.keyPem };
  const fwd = await startMtlsForwarder({
    port: 0,
    target: { host: "127.0.0.1", port, servername: "localhost" },
    tls,
  });
  const dead = await startMtlsForwarder({
    port: 0,
    target: { host: "127.0.0.1", port: 9, servername: "localhost" },
    tls,
  });
  forwarderUrl = fwd.url;
  deadForwarderUrl = dead.url;
  stop = async () => {
    await fwd.stop();
    await dead.stop();
    await new Promise<void>((r) => upstream.close(() => r()));
  };
});
afterAll(() => stop());

describe("development mTLS forwarder", () => {
  it("forwards method, path, headers and body over mTLS with the client certificate", async () => {
    const res = await fetch(`${forwarderUrl}/internal/v1/login/verify?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-internal-assertion": "a.b.c" },
      body: '{"k":1}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-upstream")).toBe("yes");
    expect(await res.json()).toEqual({
      cn: "tron-auth-worker",
      method: "POST",
      path: "/internal/v1/login/verify?x=1",
      body: '{"k":1}',
      assertion: "a.b.c",
    });
  });

  it("answers 502 bridge_unavailable when the bridge cannot be reached", async () => {
    const res = await fetch(`${deadForwarderUrl}/health`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: "bridge_unavailable" });
  });
});
