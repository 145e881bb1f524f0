import { randomBytes, randomUUID } from "node:crypto";
import { loadBridgeConfig } from "@tron-auth/bridge/config";
import { createLogger } from "@tron-auth/bridge/log";
import { startBridge } from "@tron-auth/bridge/runtime";
import { prepareBridgeEnvFor } from "@tron-auth/bridge/testing/env";
import { TEST_MNEMONIC, USDT } from "@tron-auth/bridge/testing/transactions";
import { newWallet, SIWT } from "@tron-auth/bridge/testing/wallet";
import { startMongoWire } from "@tron-auth/infra/mongo-wire";
import { createCa, issueClientCert } from "@tron-auth/infra/pki";
import { freePort } from "@tron-auth/infra/ports";
import { startRedisServer } from "@tron-auth/infra/redis-server";
import { BRIDGE_POLICY, startUpstashRest } from "@tron-auth/infra/upstash-rest";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { TestProject } from "vitest/node";
import { startBridgeControl } from "./bridge-control.ts";
import type { WorkerTestContext } from "./context.ts";
import { startWalletService } from "./wallet-service.ts";

export const CLIENT_COMMON_NAME = "tron-auth-worker";
const ISSUER = "tron-auth-edge";
const AUDIENCE = "tron-auth-api";

async function signingKey(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: "EdDSA", use: "sig" };
  const { d: _, ...publicJwk } = privateJwk;
  return { privateJwk, publicJwk };
}

export type EdgeStack = {
  context: WorkerTestContext;
  /** Requests the counting Upstash front has received, by path. */
  countingStats: Map<string, number>;
  stop(): Promise<void>;
};

/**
 * The real parts the worker talks to: redis-server behind two Upstash REST fronts, FerretDB,
 * the bridge over mTLS with the worker's keys, and a software wallet. Tests and the benchmark
 * both stand on it.
 */
export async function startEdgeStack(): Promise<EdgeStack> {
  const redis = await startRedisServer();
  const token = randomBytes(24).toString("hex");
  // The bridge holds only a restricted token (drain the outbox, read the lockdown), as in production.
  const bridgeToken = randomBytes(24).toString("hex");
  const upstash = await startUpstashRest({
    redisUrl: redis.url,
    token,
    restricted: { token: bridgeToken, policy: BRIDGE_POLICY },
    // Tests make one Redis step of a flow fail (or wait) through /_local/faults.
    faults: true,
  });
  const counting = await startUpstashRest({ redisUrl: redis.url, token });
  // Redis database 1: a lockdown test there cannot end other test files' sessions.
  const isolated = await startUpstashRest({ redisUrl: `${redis.url}/1`, token });
  const mongo = await startMongoWire();
  const wallets = await startWalletService();

  const [a, b] = [await signingKey(), await signingKey()];
  const superAdmin = newWallet();
  const prepared = await prepareBridgeEnvFor(mongo.uri, {
    WORKER_JWKS: JSON.stringify({ keys: [a.publicJwk, b.publicJwk] }),
    INTERNAL_ISSUER: ISSUER,
    BOOTSTRAP_SUPER_ADMIN_ADDRESS: superAdmin.address,
    LOG_LEVEL: "warn",
    // A fixed port, so the bridge can be stopped and started again behind the same binding.
    BRIDGE_PORT: String(await freePort()),
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: bridgeToken,
    AUDIT_OUTBOX_POLL_MS: "200",
    // The software Ledger (tests only): the real hw-app-trx client over APDUs, steerable.
    NODE_ENV: "test",
    WALLET_DEVICE: "software-ledger",
    SOFTWARE_WALLET_MNEMONIC: TEST_MNEMONIC,
    WALLET_ALLOWED_CONTRACTS: USDT,
  });
  const bridge = await startBridgeControl((env = {}) =>
    startBridge(loadBridgeConfig({ ...prepared.env, ...env }), createLogger({ level: "warn" })),
  );
  const foreignCa = await createCa({ commonName: "someone else's CA" });
  const foreignClient = await issueClientCert(foreignCa, { commonName: CLIENT_COMMON_NAME });
  const ring = (...keys: JWK[]) => JSON.stringify({ keys });

  const context: WorkerTestContext = {
    upstashUrl: upstash.url,
    upstashToken: upstash.token,
    bridgeUpstashToken: bridgeToken,
    countingUpstashUrl: counting.url,
    isolatedUpstashUrl: isolated.url,
    bridgeAddress: `127.0.0.1:${prepared.env.BRIDGE_PORT}`,
    bridgeControlUrl: bridge.url,
    downBridgeAddress: `127.0.0.1:${await freePort()}`,
    caPem: prepared.ca.certPem,
    clientKeypair: { certificateChain: prepared.client.certPem, privateKey: prepared.client.keyPem },
    foreignClientKeypair: { certificateChain: foreignClient.certPem, privateKey: foreignClient.keyPem },
    clientCommonName: CLIENT_COMMON_NAME,
    walletUrl: wallets.url,
    siwt: { ...SIWT },
    jwt: {
      issuer: ISSUER,
      audience: AUDIENCE,
      ringA: ring(a.privateJwk),
      ringBA: ring(b.privateJwk, a.privateJwk),
      ringB: ring(b.privateJwk),
    },
    sessionMac: { a: randomBytes(32).toString("base64url"), b: randomBytes(32).toString("base64url") },
    superAdminPrivateKey: superAdmin.privateKey,
  };
  return {
    context,
    countingStats: counting.stats,
    stop: async () => {
      await bridge.stop();
      prepared.cleanup();
      await wallets.stop();
      await mongo.stop();
      await counting.stop();
      await isolated.stop();
      await upstash.stop();
      await redis.stop();
    },
  };
}

/** Vitest global setup for the worker project: the stack, handed to Miniflare and the tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startEdgeStack();
  project.provide("workerTestContext", stack.context);
  return stack.stop;
}
