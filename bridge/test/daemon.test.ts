import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { promisify } from "node:util";
import { issueServerCert } from "@tron-auth/pki";
import { afterEach, describe, expect, inject, it } from "vitest";
import { makeSigningKey, signAssertion } from "./support/assertions.ts";
import { spawnDaemon } from "./support/daemon.ts";
import { bridgeCaller, LOGIN_PATH, mtlsRequest, prepareBridgeEnv } from "./support/harness.ts";
import { startTcpProxy } from "./support/tcp-proxy.ts";
import { newWallet, signTip191, siwtMessage } from "./support/wallet.ts";

const HEALTHCHECK = join(import.meta.dirname, "..", "src", "healthcheck.ts");
const run = promisify(execFile);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startDaemon(env: Record<string, string> = {}) {
  const prepared = await prepareBridgeEnv(env);
  const daemon = spawnDaemon(prepared.env);
  cleanups.push(prepared.cleanup, async () => {
    if (daemon.child.exitCode === null) daemon.child.kill("SIGKILL");
    await daemon.exited;
  });
  const ready = await daemon.waitFor("bridge ready");
  const port = Number(new URL(String(ready.url)).port);
  const healthPort = new URL(String(ready.health)).port;
  const call = bridgeCaller(() => port, prepared.ca.certPem, prepared.client, prepared.key);
  return { ...prepared, daemon, port, healthPort, call };
}

const healthcheck = (port: string) =>
  run(process.execPath, [HEALTHCHECK], { env: { BRIDGE_HEALTH_PORT: port } }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );

const peerFingerprint = (port: number, p: Awaited<ReturnType<typeof prepareBridgeEnv>>) =>
  mtlsRequest({ port, caPem: p.ca.certPem, client: p.client }, { path: "/health" }).then(
    (r) => r.fingerprint,
  );

describe("the bridge daemon", () => {
  it("refuses a bad configuration with exit 78 and every problem listed, secrets not echoed", async () => {
    const daemon = spawnDaemon({ MONGODB_URI: "postgres://user:hunter2@db", BRIDGE_PORT: "70000" });
    expect(await daemon.exited).toBe(78);
    const err = daemon.stderr();
    for (const name of ["MONGODB_URI", "BRIDGE_PORT", "BRIDGE_TLS_CERT", "WORKER_JWKS", "SIWT_DOMAIN"]) {
      expect(err).toContain(name);
    }
    expect(err).not.toContain("hunter2");
  });

  it("fails to start with a clear message when a certificate file is missing", async () => {
    const prepared = await prepareBridgeEnv({ BRIDGE_TLS_KEY: "/nonexistent/server.key" });
    cleanups.push(prepared.cleanup);
    const daemon = spawnDaemon(prepared.env);
    expect(await daemon.exited).toBe(1);
    expect(daemon.stderr()).toMatch(/bridge failed to start: .*nonexistent\/server\.key/);
  });

  it("serves health over mTLS and on the loopback listener; the HEALTHCHECK script agrees", async () => {
    const d = await startDaemon();
    const live = await d.call("/health", { assertion: false });
    expect(live.body).toMatchObject({ status: "healthy", service: "auth-bridge" });
    const ready = await fetch(`http://127.0.0.1:${d.healthPort}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "healthy",
      dependencies: { database: "healthy", hardware_wallet: "disabled", audit_retention: "healthy" },
    });
    expect((await fetch(`http://127.0.0.1:${d.healthPort}/peer`)).status).toBe(404);
    expect(await healthcheck(d.healthPort)).toEqual({ code: 0, out: "200 healthy\n" });
  });

  it("reports unhealthy (503) when the database goes away, and the HEALTHCHECK fails", async () => {
    const upstream = new URL(inject("mongoUri"));
    const proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 27017) });
    cleanups.push(() => proxy.close());
    upstream.host = `127.0.0.1:${proxy.port}`;
    const d = await startDaemon({ MONGODB_URI: upstream.toString() });
    proxy.cut();
    const res = await fetch(`http://127.0.0.1:${d.healthPort}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unhealthy", dependencies: { database: "unhealthy" } });
    expect((await healthcheck(d.healthPort)).code).toBe(1);
    // Used assertion ids live in the database: without it the bridge fails closed with a 503
    // the worker retries, not a 401 that would blame the assertion.
    const internal = await d.call(LOGIN_PATH, { body: { message: "m", signature: "s" } });
    expect([internal.status, internal.body.code]).toEqual([503, "service_unavailable"]);
  });

  it("refuses requests whose internal assertion is missing, foreign, expired, replayed or for another body", async () => {
    const d = await startDaemon();
    const other = await makeSigningKey();
    const body = JSON.stringify({ message: "m", signature: "s" });
    const replayed = await signAssertion(d.key, { body });
    const cases: [string, Parameters<typeof d.call>[1], string][] = [
      ["missing", { body, assertion: false }, "assertion_missing"],
      ["foreign key", { body, assertion: await signAssertion(other, { body }) }, "assertion_invalid"],
      ["expired", { body, assertion: { iatOffset: -120 } }, "assertion_expired"],
      ["other body", { body, assertion: { body: "{}" } }, "assertion_body_mismatch"],
      ["wrong audience", { body, assertion: { aud: "someone-else" } }, "assertion_invalid"],
    ];
    for (const [name, options, reason] of cases) {
      const res = await d.call(LOGIN_PATH, options);
      expect([name, res.status, res.body.code, res.body.reason]).toEqual([
        name,
        401,
        "invalid_assertion",
        reason,
      ]);
    }
    // Accepted once (the login itself then fails on the message), refused the second time.
    expect((await d.call(LOGIN_PATH, { body, assertion: replayed })).body.code).toBe("siwt_malformed");
    const again = await d.call(LOGIN_PATH, { body, assertion: replayed });
    expect([again.status, again.body.reason]).toEqual([401, "assertion_replayed"]);
  });

  it("reloads certificates on SIGHUP without dropping the listener", async () => {
    const d = await startDaemon();
    const before = await peerFingerprint(d.port, d);
    const next = await issueServerCert(d.ca, { commonName: "bridge-renewed", sans: ["localhost"] });
    writeFileSync(d.files.cert, next.certPem);
    writeFileSync(d.files.key, next.keyPem);
    d.daemon.child.kill("SIGHUP");
    await d.daemon.waitFor("certificates reloaded");
    const after = await peerFingerprint(d.port, d);
    expect(before).not.toBe(after);
    expect(after).toBe(next.fingerprint256);
  });

  it("on SIGTERM finishes the request in flight, refuses new connections and exits 0", async () => {
    const d = await startDaemon();
    const wallet = newWallet();
    const message = siwtMessage(wallet.address);
    const body = JSON.stringify({ message, signature: signTip191(message, wallet) });
    const assertion = await signAssertion(d.key, { body });
    const half = Math.floor(body.length / 2);

    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: d.port,
          path: LOGIN_PATH,
          method: "POST",
          servername: "localhost",
          ca: d.ca.certPem,
          cert: d.client.certPem,
          key: d.client.keyPem,
          agent: false,
          headers: {
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            "x-internal-assertion": assertion,
          },
        },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, half));
      // The request is in flight (headers and half the body received) when the signal arrives.
      setTimeout(() => {
        d.daemon.child.kill("SIGTERM");
        d.daemon
          .waitFor("draining")
          .then(async () => {
            // Refused outright, or accepted from the backlog and dropped before TLS: never served.
            await expect(peerFingerprint(d.port, d)).rejects.toThrow(
              /ECONNREFUSED|ECONNRESET|socket disconnected/,
            );
            req.end(body.slice(half));
          })
          .catch((error: unknown) => {
            req.destroy();
            reject(error);
          });
      }, 200);
    });
    const res = await response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).user.address).toBe(wallet.address);
    expect(await d.daemon.exited).toBe(0);
    expect(d.daemon.lines.map((l) => l.msg)).toContain("stopped");
  });

  it("never writes tokens or signatures to its log", async () => {
    const d = await startDaemon();
    const wallet = newWallet();
    const message = siwtMessage(wallet.address);
    const signature = signTip191(message, wallet);
    const assertion = await signAssertion(d.key, { body: JSON.stringify({ message, signature }) });
    await d.call(LOGIN_PATH, { body: { message, signature }, assertion });
    await d.call(LOGIN_PATH, { body: { message, signature: `${signature.slice(0, -2)}00` } });
    d.daemon.child.kill("SIGTERM");
    await d.daemon.exited;
    const log = JSON.stringify(d.daemon.lines);
    expect(log).toContain("login verified");
    expect(log).not.toContain(signature.slice(2, 40));
    expect(log).not.toContain(assertion.split(".")[2]);
  });
});
