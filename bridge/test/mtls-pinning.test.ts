import { createCa, issueClientCert, issueServerCert } from "@tron-auth/pki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.ts";
import { type BridgeServer, startBridgeServer } from "../src/server/https.ts";
import { mtlsRequest, type Pem } from "./support/harness.ts";

let bridge: BridgeServer;
let caPem: string;
let pinned: Pem;
let unpinned: Pem;
let nextServerCert: Pem;

const get = (path: string, client: Pem) =>
  mtlsRequest({ port: bridge.port, caPem, client }, { path }).then((r) => ({ ...r, body: r.text }));

beforeAll(async () => {
  const ca = await createCa({ commonName: "pin CA" });
  caPem = ca.certPem;
  const server = await issueServerCert(ca, { commonName: "bridge", sans: ["localhost"] });
  pinned = await issueClientCert(ca, { commonName: "worker" });
  unpinned = await issueClientCert(ca, { commonName: "worker-old" });
  const pins = [pinned.fingerprint256];
  bridge = await startBridgeServer({
    app: createApp({ pinnedClientFingerprints: () => pins }),
    tls: { certPem: server.certPem, keyPem: server.keyPem, clientCaPem: ca.certPem },
    host: "127.0.0.1",
    port: 0,
    limits: {
      handshakeTimeoutMs: 5_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxHeaderBytes: 16 * 1024,
      maxConnections: 64,
      maxConnectionsPerPeer: 64,
    },
  });
  nextServerCert = await issueServerCert(ca, { commonName: "bridge-next", sans: ["localhost"] });
});
afterAll(() => bridge.close());

describe("client certificate pinning", () => {
  it("accepts a pinned certificate", async () => {
    const res = await get("/peer", pinned);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).subject.CN).toBe("worker");
  });

  it("refuses a certificate from the right CA that is not pinned, with a problem document", async () => {
    const res = await get("/peer", unpinned);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ code: "client_certificate_not_allowed", status: 403 });
  });

  it("reloads the server certificate without dropping the listener", async () => {
    const before = await get("/health", pinned);
    const next = nextServerCert;
    bridge.reloadTls({ certPem: next.certPem, keyPem: next.keyPem, clientCaPem: caPem });
    const after = await get("/health", pinned);
    expect(after.status).toBe(200);
    expect(after.fingerprint).toBe(next.fingerprint256);
    expect(after.fingerprint).not.toBe(before.fingerprint);
  });
});
