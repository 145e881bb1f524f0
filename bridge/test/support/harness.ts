import { request } from "node:https";
import type { TLSSocket } from "node:tls";
import { requestTarget } from "@tron-auth/shared/protocol";
import { inject } from "vitest";
import { loadBridgeConfig } from "../../src/config/load.ts";
import { createLogger } from "../../src/log.ts";
import { type RunningBridge, startBridge } from "../../src/runtime/start.ts";
import { type AssertionOverrides, LOGIN_PATH, type SigningKey, signAssertion } from "./assertions.ts";
import { type DaemonOptions, spawnDaemon } from "./daemon.ts";
import { prepareBridgeEnvFor } from "./env.ts";
import { signTip191, siwtMessage, type Wallet } from "./wallet.ts";

export { LOGIN_PATH };

export type Pem = { certPem: string; keyPem: string; fingerprint256: string };

export type CallOptions = {
  method?: string;
  body?: unknown;
  /** false: no assertion header at all; a string: send exactly this token. */
  assertion?: AssertionOverrides | string | false;
  client?: Pem;
  headers?: Record<string, string>;
};

export type CallResult = { status: number; body: Record<string, unknown> & { code?: string } };

export type TestBridge = Awaited<ReturnType<typeof startTestBridge>>;

/** Certificates on disk, a worker signing key and a complete environment, on the test database. */
export const prepareBridgeEnv = (env: Record<string, string> = {}) =>
  prepareBridgeEnvFor(inject("mongoUri"), env);

/**
 * The daemon as a process (sources, or the compiled bundle with `options.main`) on the test
 * database, with an mTLS caller. `stop` kills it and removes its files; call it in afterEach.
 */
export async function startDaemonProcess(env: Record<string, string> = {}, options: DaemonOptions = {}) {
  const prepared = await prepareBridgeEnv(env);
  const daemon = spawnDaemon(prepared.env, options);
  const stop = async () => {
    if (daemon.child.exitCode === null) daemon.child.kill("SIGKILL");
    await daemon.exited;
    prepared.cleanup();
  };
  const ready = await daemon.waitFor("bridge ready").catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const port = Number(new URL(String(ready.url)).port);
  const healthPort = new URL(String(ready.health)).port;
  const call = bridgeCaller(() => port, prepared.ca.certPem, prepared.client, prepared.key);
  return { ...prepared, daemon, port, healthPort, call, stop };
}

/**
 * A whole bridge as the daemon runs it (certificate files, config from an environment, MongoDB),
 * on ephemeral ports with a fresh database, plus an mTLS client that signs assertions.
 */
export async function startTestBridge(env: Record<string, string> = {}) {
  const { ca, client, key, files, env: fullEnv, cleanup } = await prepareBridgeEnv(env);
  const logLines: string[] = [];
  const log = createLogger({
    level: fullEnv.LOG_LEVEL ?? "info",
    destination: { write: (s: string) => logLines.push(s) },
  });
  const start = () => startBridge(loadBridgeConfig(fullEnv), log);
  let bridge: RunningBridge = await start();

  const call = bridgeCaller(() => bridge.port, ca.certPem, client, key);

  const login = (
    wallet: Wallet,
    message = siwtMessage(wallet.address),
    signature = signTip191(message, wallet),
  ) => call(LOGIN_PATH, { body: { message, signature, ip: "203.0.113.7", userAgent: "test-agent/1" } });

  /** Signs in and returns the actor an assertion would name for this user. */
  const actorFor = async (
    wallet: Wallet,
  ): Promise<{ id: string; sub: string; roles: string[]; wallet: Wallet }> => {
    const res = await login(wallet);
    if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
    const user = res.body.user as { id: string; roles: string[] };
    return { id: user.id, sub: user.id, roles: user.roles, wallet };
  };

  return {
    get bridge() {
      return bridge;
    },
    /** Stops the bridge and starts a new one from the same environment: same database, new port. */
    restart: async () => {
      await bridge.stop();
      bridge = await start();
    },
    login,
    actorFor,
    env: fullEnv,
    files,
    ca,
    client,
    key,
    logLines,
    call,
    stop: async () => {
      await bridge.stop();
      cleanup();
    },
  };
}

/** An mTLS client for a bridge on `port()`, signing each request's assertion with `key`. */
export function bridgeCaller(port: () => number, caPem: string, client: Pem, key: SigningKey) {
  return async (path: string, o: CallOptions = {}): Promise<CallResult> => {
    const body = o.body === undefined ? "" : typeof o.body === "string" ? o.body : JSON.stringify(o.body);
    const headers: Record<string, string> = { ...o.headers };
    if (body) headers["content-type"] ??= "application/json";
    const method = o.method ?? (body ? "POST" : "GET");
    if (o.assertion !== false) {
      const target = requestTarget(new URL(path, "https://localhost"));
      headers["x-internal-assertion"] =
        typeof o.assertion === "string"
          ? o.assertion
          : await signAssertion(key, { body, method, target, ...o.assertion });
    }
    return httpsCall(port(), caPem, o.client ?? client, method, path, headers, body);
  };
}

export type MtlsResponse = {
  status: number;
  text: string;
  fingerprint: string;
  bytesSent: number;
  headers: Record<string, string | string[] | undefined>;
};

/** A body sent chunked (no Content-Length), `chunkBytes` at a time, until `maxBytes` or the answer. */
export type ChunkedBody = { chunkBytes: number; maxBytes: number };

/**
 * One HTTPS request presenting `client`, trusting only `caPem`; reports the server's certificate
 * and, for a chunked body, how much was sent before the answer came (sending stops there).
 */
export function mtlsRequest(
  target: { port: number; caPem: string; client: Pem; localAddress?: string },
  req: { method?: string; path: string; headers?: Record<string, string>; body?: string | ChunkedBody },
): Promise<MtlsResponse> {
  const chunked = typeof req.body === "object" ? req.body : undefined;
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const outgoing = request(
      {
        host: "127.0.0.1",
        port: target.port,
        ...(target.localAddress ? { localAddress: target.localAddress } : {}),
        path: req.path,
        method: req.method ?? "GET",
        headers: { ...req.headers, ...(chunked ? { "transfer-encoding": "chunked" } : {}) },
        servername: "localhost",
        ca: target.caPem,
        cert: target.client.certPem,
        key: target.client.keyPem,
        agent: false,
      },
      (res) => {
        answered = true;
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          const fingerprint = (res.socket as TLSSocket).getPeerCertificate?.().fingerprint256 ?? "";
          resolve({ status: res.statusCode ?? 0, text, fingerprint, bytesSent, headers: res.headers });
          if (chunked) outgoing.destroy();
        });
      },
    );
    outgoing.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (!chunked) return void outgoing.end(req.body ?? "");
    const chunk = Buffer.alloc(chunked.chunkBytes, 0x20);
    const pump = () => {
      while (!answered && bytesSent < chunked.maxBytes) {
        bytesSent += chunk.length;
        if (!outgoing.write(chunk)) return void outgoing.once("drain", pump);
      }
      if (!answered) outgoing.end();
    };
    pump();
  });
}

async function httpsCall(
  port: number,
  caPem: string,
  client: Pem,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<CallResult> {
  const res = await mtlsRequest({ port, caPem, client }, { method, path, headers, body });
  return { status: res.status, body: res.text ? JSON.parse(res.text) : {} };
}
