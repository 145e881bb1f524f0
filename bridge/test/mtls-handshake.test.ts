import { connect, type SecureVersion } from "node:tls";
import { createCa, issueClientCert } from "@tron-auth/pki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pem, startTestBridge, type TestBridge } from "./support/harness.ts";

let t: TestBridge;
let foreign: Pem;

beforeAll(async () => {
  t = await startTestBridge({ LOG_LEVEL: "warn" });
  // The right name, from the wrong CA: what a stolen-looking or self-made certificate would be.
  const otherCa = await createCa({ commonName: "someone else's CA" });
  foreign = await issueClientCert(otherCa, { commonName: "tron-auth-worker" });
});
afterAll(() => t.stop());

type Outcome = { response: string; error?: string };

/**
 * A raw TLS connection to the bridge that sends one HTTP request and reports what came back: the
 * bytes of any HTTP response, and the error that ended the connection. Real handshakes, no
 * inspection of the server's options.
 */
function attempt(client: Pem | undefined, maxVersion: SecureVersion): Promise<Outcome> {
  return new Promise((resolve) => {
    let response = "";
    const socket = connect({
      host: "127.0.0.1",
      port: t.bridge.port,
      servername: "localhost",
      ca: t.ca.certPem,
      maxVersion,
      ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
    });
    socket.setEncoding("utf8");
    socket.on("secureConnect", () =>
      socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    );
    socket.on("data", (chunk: string) => (response += chunk));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ response, error: error.code ?? error.message }),
    );
    socket.on("close", () => resolve({ response }));
    socket.setTimeout(5_000, () => socket.destroy(new Error("timeout")));
  });
}

/**
 * Refused at the TLS layer: the connection ends (with an alert such as certificate_required, or a
 * reset: Node drops an unknown CA without one) and not one byte of HTTP comes back. A server that
 * let the handshake through would answer the request, if only with a 401.
 */
function expectRefused(outcome: Outcome): void {
  expect(outcome.response).toBe("");
  expect(outcome.error).not.toBe("timeout");
}

describe("the bridge's TLS listener requires a client certificate from its own CA", () => {
  for (const version of ["TLSv1.3", "TLSv1.2"] as const) {
    it(`answers the worker's certificate (${version}): the control case`, async () => {
      const outcome = await attempt(t.client, version);
      expect(outcome.response).toMatch(/^HTTP\/1\.1 200 /);
    });

    it(`ends the handshake of a client without a certificate (${version}): no HTTP answer`, async () => {
      expectRefused(await attempt(undefined, version));
    });

    it(`ends the handshake of a certificate from a foreign CA (${version}): no HTTP answer`, async () => {
      expectRefused(await attempt(foreign, version));
    });
  }
});
