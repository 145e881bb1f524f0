import { X509Certificate } from "node:crypto";
import { connect, createServer, type TLSSocket } from "node:tls";
import { describe, expect, it } from "vitest";
import { createCa, issueClientCert, issueServerCert } from "../src/index.ts";

type Outcome = { ok: true; cn: string } | { ok: false; error: string };

async function handshake(
  server: { certPem: string; keyPem: string; caPem: string },
  client: { certPem?: string; keyPem?: string; servername: string },
): Promise<Outcome> {
  const srv = createServer(
    {
      cert: server.certPem,
      key: server.keyPem,
      ca: server.caPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (s: TLSSocket) => {
      const peer = s.getPeerCertificate();
      s.end(String(peer.subject?.CN ?? ""));
    },
  );
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  try {
    return await new Promise<Outcome>((resolve) => {
      const sock = connect({
        host: "127.0.0.1",
        port,
        servername: client.servername,
        ca: server.caPem,
        ...(client.certPem ? { cert: client.certPem, key: client.keyPem } : {}),
      });
      let data = "";
      sock.on("data", (d) => (data += d));
      sock.on("end", () =>
        resolve(data ? { ok: true, cn: data } : { ok: false, error: "closed without data" }),
      );
      sock.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, error: e.code ?? e.message }));
    });
  } finally {
    srv.close();
  }
}

describe("PKI", async () => {
  const ca = await createCa({ commonName: "test CA" });
  const server = await issueServerCert(ca, { commonName: "bridge", sans: ["localhost", "127.0.0.1"] });
  const client = await issueClientCert(ca, { commonName: "worker" });
  const otherCa = await createCa({ commonName: "other CA" });
  const stranger = await issueClientCert(otherCa, { commonName: "worker" });
  const tlsServer = { certPem: server.certPem, keyPem: server.keyPem, caPem: ca.certPem };

  it("issues certificates Node can verify, with SANs and matching fingerprints", () => {
    const caCert = new X509Certificate(ca.certPem);
    const srv = new X509Certificate(server.certPem);
    expect(srv.checkIssued(caCert)).toBe(true);
    expect(srv.verify(caCert.publicKey)).toBe(true);
    expect(srv.subjectAltName).toContain("DNS:localhost");
    expect(srv.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(srv.fingerprint256).toBe(server.fingerprint256);
    expect(caCert.ca).toBe(true);
    expect(new X509Certificate(client.certPem).fingerprint256).toBe(client.fingerprint256);
  });

  it("a client certificate from the CA completes mutual TLS", async () => {
    expect(await handshake(tlsServer, { ...client, servername: "localhost" })).toEqual({
      ok: true,
      cn: "worker",
    });
  });

  it("no client certificate is refused", async () => {
    expect((await handshake(tlsServer, { servername: "localhost" })).ok).toBe(false);
  });

  it("a client certificate from another CA is refused", async () => {
    expect((await handshake(tlsServer, { ...stranger, servername: "localhost" })).ok).toBe(false);
  });

  it("the server certificate does not cover other names", async () => {
    const outcome = await handshake(tlsServer, { ...client, servername: "example.com" });
    expect(outcome).toMatchObject({ ok: false, error: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });
});
