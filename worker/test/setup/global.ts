import { randomBytes } from "node:crypto";
import { createApp as createBridgeApp } from "@tron-auth/bridge/app";
import { startBridgeServer } from "@tron-auth/bridge/server";
import { createCa, issueClientCert, issueServerCert } from "@tron-auth/infra/pki";
import { startRedisServer } from "@tron-auth/infra/redis-server";
import { startUpstashRest } from "@tron-auth/infra/upstash-rest";
import type { TestProject } from "vitest/node";
import type { WorkerTestContext } from "./context.ts";

export const CLIENT_COMMON_NAME = "tron-auth-worker";

/** Starts the real parts the worker talks to; torn down after the worker project finishes. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedisServer();
  const upstash = await startUpstashRest({ redisUrl: redis.url, token: randomBytes(24).toString("hex") });

  const ca = await createCa({ commonName: "tron-auth test CA" });
  const server = await issueServerCert(ca, { commonName: "bridge", sans: ["localhost", "127.0.0.1"] });
  const client = await issueClientCert(ca, { commonName: CLIENT_COMMON_NAME });
  const foreignCa = await createCa({ commonName: "someone else's CA" });
  const foreignClient = await issueClientCert(foreignCa, { commonName: CLIENT_COMMON_NAME });

  const bridge = await startBridgeServer({
    app: createBridgeApp(),
    tls: { certPem: server.certPem, keyPem: server.keyPem, clientCaPem: ca.certPem },
    host: "127.0.0.1",
    port: 0,
  });

  const context: WorkerTestContext = {
    upstashUrl: upstash.url,
    upstashToken: upstash.token,
    bridgeAddress: `127.0.0.1:${bridge.port}`,
    caPem: ca.certPem,
    clientKeypair: { certificateChain: client.certPem, privateKey: client.keyPem },
    foreignClientKeypair: { certificateChain: foreignClient.certPem, privateKey: foreignClient.keyPem },
    clientCommonName: CLIENT_COMMON_NAME,
  };
  project.provide("workerTestContext", context);

  return async () => {
    await bridge.close();
    await upstash.stop();
    await redis.stop();
  };
}
