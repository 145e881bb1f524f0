import { connect as tcpConnect } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import { createCa, issueClientCert } from "@tron-auth/pki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAssertion } from "./support/assertions.ts";
import { LOGIN_PATH, mtlsRequest, type Pem, startTestBridge, type TestBridge } from "./support/harness.ts";
import { newWallet, signTip191, siwtMessage } from "./support/wallet.ts";

/**
 * The bridge's listener against callers that do not play fair: real TLS, real sockets, the
 * daemon's own composition. Limits are set low so each one is reached quickly; the defaults are
 * in config/schema.ts. Time is only ever an upper guard that a failure would hit, never a speed.
 */

/** Long enough that only a server that never cuts the connection reaches it. */
const GUARD_MS = 15_000;

type Ended = { by: "server" | "guard"; response: string; bytesSent: number; secured: boolean };

/** Waits for `socket` to close (recording what came back) or for the guard, which destroys it. */
function watch(socket: TLSSocket | ReturnType<typeof tcpConnect>, sent: () => number): Promise<Ended> {
  return new Promise((resolve) => {
    let response = "";
    let secured = false;
    let by: Ended["by"] = "server";
    socket.on("secureConnect", () => (secured = true));
    socket.on("data", (d: Buffer) => (response += d.toString("utf8")));
    socket.on("error", () => undefined);
    const guard = setTimeout(() => {
      by = "guard";
      socket.destroy();
    }, GUARD_MS);
    socket.on("close", () => {
      clearTimeout(guard);
      resolve({ by, response, bytesSent: sent(), secured });
    });
  });
}

function tlsTo(port: number, caPem: string, client?: Pem, localAddress?: string): TLSSocket {
  return connect({
    host: "127.0.0.1",
    port,
    servername: "localhost",
    ca: caPem,
    ...(localAddress ? { localAddress } : {}),
    ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
  });
}

/** Runs `n` tasks, `width` at a time. */
async function inBatches<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += width) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => task(i + j)))));
  }
  return out;
}

const openConnections = (t: TestBridge) => t.bridge.openConnections();

async function settlesTo(t: TestBridge, most: number): Promise<number> {
  let count = await openConnections(t);
  for (let i = 0; i < 100 && count > most; i++) {
    await new Promise((r) => setTimeout(r, 100));
    count = await openConnections(t);
  }
  return count;
}

describe("timeouts, header limits and bad certificates", () => {
  let t: TestBridge;
  let foreign: Pem;

  beforeAll(async () => {
    t = await startTestBridge({
      LOG_LEVEL: "silent",
      BRIDGE_HANDSHAKE_TIMEOUT_MS: "500",
      BRIDGE_HEADERS_TIMEOUT_MS: "1000",
      BRIDGE_REQUEST_TIMEOUT_MS: "2000",
      BRIDGE_MAX_HEADER_BYTES: "4096",
      LOGIN_VERIFY_CONCURRENCY: "1",
      LOGIN_VERIFY_QUEUE: "1",
    });
    const otherCa = await createCa({ commonName: "someone else's CA" });
    foreign = await issueClientCert(otherCa, { commonName: "tron-auth-worker" });
  });
  afterAll(() => t.stop());

  it("cuts a slowloris (headers trickled a byte at a time) after the headers timeout, with 408", async () => {
    const socket = tlsTo(t.bridge.port, t.ca.certPem, t.client);
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on("secureConnect", () => {
      socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      // Forever, if the server let it: one byte every 100 ms.
      timer = setInterval(() => {
        if (socket.writable) socket.write("a", () => undefined);
        sent++;
      }, 100);
    });
    const ended = await watch(socket, () => sent);
    clearInterval(timer);
    expect(ended.secured).toBe(true);
    expect(ended.by).toBe("server");
    expect(ended.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(ended.response).toContain('"code":"request_timeout"');
  });

  it("cuts a body (within the size limit) trickled after complete headers at the request timeout", async () => {
    const socket = tlsTo(t.bridge.port, t.ca.certPem, t.client);
    let timer: NodeJS.Timeout | undefined;
    socket.on("secureConnect", () => {
      socket.write(
        `POST ${LOGIN_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
      );
      timer = setInterval(() => socket.writable && socket.write(" ", () => undefined), 100);
    });
    const ended = await watch(socket, () => 0);
    clearInterval(timer);
    expect(ended.by).toBe("server");
    expect(ended.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("times out handshakes that never start or stop halfway, and holds no connection for them", async () => {
    const attempts = Array.from({ length: 20 }, (_, i) => {
      const socket = tcpConnect({ host: "127.0.0.1", port: t.bridge.port });
      // Half of them send the first bytes of a ClientHello record and then nothing.
      if (i % 2) socket.on("connect", () => socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])));
      return watch(socket, () => 0);
    });
    const ended = await Promise.all(attempts);
    expect(ended.map((e) => e.by)).toEqual(Array(20).fill("server"));
    expect(await settlesTo(t, 0)).toBe(0);
  });

  it("refuses 200 handshakes without a certificate or with a foreign one, then serves the worker", async () => {
    const ended = await inBatches(200, 25, (i) => {
      const socket = tlsTo(t.bridge.port, t.ca.certPem, i % 2 ? foreign : undefined);
      socket.on("secureConnect", () => socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
      return watch(socket, () => 0);
    });
    // Not one HTTP byte for any of them, and every one ended by the server.
    expect(ended.filter((e) => e.response !== "" || e.by !== "server")).toEqual([]);
    const good = await mtlsRequest(
      { port: t.bridge.port, caPem: t.ca.certPem, client: t.client },
      { path: "/health" },
    );
    expect(good.status).toBe(200);
    expect(await settlesTo(t, 0)).toBe(0);
  });

  it("answers headers over the limit with 431 as a problem document", async () => {
    const res = await mtlsRequest(
      { port: t.bridge.port, caPem: t.ca.certPem, client: t.client },
      { path: "/health", headers: { "x-padding": "p".repeat(8 * 1024) } },
    );
    expect(res.status).toBe(431);
    expect(res.headers["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(res.text)).toMatchObject({ status: 431, code: "request_header_fields_too_large" });
  });

  it("sheds sign-in verifications beyond its concurrency with 503 and Retry-After, and recovers", async () => {
    const attempt = async () => {
      const wallet = newWallet();
      const message = siwtMessage(wallet.address);
      const body = JSON.stringify({ message, signature: signTip191(message, wallet) });
      return mtlsRequest(
        { port: t.bridge.port, caPem: t.ca.certPem, client: t.client },
        {
          method: "POST",
          path: LOGIN_PATH,
          headers: {
            "content-type": "application/json",
            "x-internal-assertion": await signAssertion(t.key, { body }),
          },
          body,
        },
      );
    };
    const results = await Promise.all(Array.from({ length: 30 }, attempt));
    const statuses = results.map((r) => r.status);
    // Only the two designed answers: served, or "later"; never a 500 or a dropped connection.
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses).toContain(200);
    const shed = results.find((r) => r.status === 503);
    expect(shed?.headers["retry-after"]).toBe("1");
    expect(JSON.parse(shed?.text ?? "{}")).toMatchObject({ code: "service_unavailable", retryAfter: 1 });
    // Every slot came back: a lone sign-in afterwards is served.
    expect((await attempt()).status).toBe(200);
  });
});

describe("connection caps", () => {
  let t: TestBridge;

  beforeAll(async () => {
    t = await startTestBridge({
      LOG_LEVEL: "silent",
      BRIDGE_MAX_CONNECTIONS: "40",
      BRIDGE_MAX_CONNECTIONS_PER_PEER: "30",
      // Held connections stay open for the whole test; only the caps may end them.
      BRIDGE_HEADERS_TIMEOUT_MS: "60000",
      BRIDGE_REQUEST_TIMEOUT_MS: "60000",
      BRIDGE_HANDSHAKE_TIMEOUT_MS: "60000",
    });
  });
  afterAll(() => t.stop());

  /** A connection that finishes its handshake and then sits idle; resolves once it is settled. */
  const hold = (localAddress: string) =>
    new Promise<{ socket: TLSSocket; accepted: boolean }>((resolve) => {
      const socket = tlsTo(t.bridge.port, t.ca.certPem, t.client, localAddress);
      socket.on("error", () => undefined);
      socket.once("secureConnect", () => resolve({ socket, accepted: true }));
      socket.once("close", () => resolve({ socket, accepted: false }));
    });

  it("refuses connections beyond the per-peer and total caps, with bounded memory, and recovers", async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const fromOne = await inBatches(300, 50, () => hold("127.0.0.1"));
    const accepted = fromOne.filter((c) => c.accepted);
    expect(accepted.length).toBeLessThanOrEqual(30);
    expect(accepted.length).toBeGreaterThan(0);
    // Another peer still gets in while the first holds its whole share ...
    const other = await mtlsRequest(
      { port: t.bridge.port, caPem: t.ca.certPem, client: t.client, localAddress: "127.0.0.2" },
      { path: "/health" },
    ).catch(() => undefined);
    expect(other?.status).toBe(200);
    // ... up to the total cap.
    const fromTwo = await inBatches(100, 50, () => hold("127.0.0.2"));
    expect(await openConnections(t)).toBeLessThanOrEqual(40);
    expect(accepted.length + fromTwo.filter((c) => c.accepted).length).toBeLessThanOrEqual(40);
    // 400 attempts, at most 40 held: the process (client side included) grew by far less than
    // 400 TLS connections would cost if the server kept them all.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(96 * 1024 * 1024);
    for (const c of [...fromOne, ...fromTwo]) c.socket.destroy();
    expect(await settlesTo(t, 0)).toBe(0);
    const after = await mtlsRequest(
      { port: t.bridge.port, caPem: t.ca.certPem, client: t.client },
      { path: "/health" },
    );
    expect(after.status).toBe(200);
  });
});
