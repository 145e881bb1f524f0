import { join } from "node:path";
import { loadBridgeConfig } from "@tron-auth/bridge/config";
import { createLogger } from "@tron-auth/bridge/log";
import { startBridge } from "@tron-auth/bridge/runtime";
import { startMongoWire } from "@tron-auth/infra/mongo-wire";
import { startMtlsForwarder } from "@tron-auth/infra/mtls-forwarder";
import { startRedisServer } from "@tron-auth/infra/redis-server";
import { BRIDGE_POLICY, startUpstashRest } from "@tron-auth/infra/upstash-rest";
import { keyRingFrom } from "../src/tokens/keys.ts";
import { bundleWorker, CACHE, startWorker, WORKER_ENTRY } from "./miniflare.ts";
import { devMaterial } from "./secrets.ts";

export type DevPorts = {
  edge: number;
  bridge: number;
  bridgeHealth: number;
  upstash: number;
  forwarder: number;
};
export const DEFAULT_PORTS: DevPorts = {
  edge: 8787,
  bridge: 8089,
  bridgeHealth: 8090,
  upstash: 8079,
  forwarder: 8088,
};

/** The values wrangler.toml's top level gives `wrangler dev`; the Miniflare worker gets the same. */
export const DEV_VARS = {
  SIWT_DOMAIN: "localhost:8787",
  SIWT_URI: "http://localhost:8787/",
  SIWT_CHAIN_ID: "tron:3448148188",
  JWT_ISSUER: "tron-auth-edge",
  JWT_AUDIENCE: "tron-auth-api",
};

/**
 * The whole system on this machine with safe development defaults: redis-server behind the local
 * Upstash REST server, a MongoDB-wire server (MONGODB_URI, else FerretDB), the bridge with the
 * software wallet, the mTLS forwarder for `wrangler dev`, and the worker in workerd through
 * Miniflare with its real mTLS binding to the bridge.
 */
export async function startDevStack(opts: { dir: string; ports: DevPorts; log: (line: string) => void }) {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const m = await devMaterial(opts.dir);
    const signingKeys = JSON.stringify(m.jwtKeys);
    const redis = await startRedisServer();
    stops.push(redis.stop);
    const upstash = await startUpstashRest({
      redisUrl: redis.url,
      token: m.upstashToken,
      restricted: { token: m.bridgeUpstashToken, policy: BRIDGE_POLICY },
      port: opts.ports.upstash,
    });
    stops.push(upstash.stop);
    const mongo = await startMongoWire();
    stops.push(mongo.stop);
    opts.log(
      `MongoDB wire  ${mongo.kind === "external" ? "MONGODB_URI" : "FerretDB (data is thrown away on stop)"}`,
    );

    const bridge = await startBridge(
      loadBridgeConfig({
        NODE_ENV: "development",
        LOG_LEVEL: "warn",
        BRIDGE_HOST: "127.0.0.1",
        BRIDGE_PORT: String(opts.ports.bridge),
        BRIDGE_HEALTH_PORT: String(opts.ports.bridgeHealth),
        BRIDGE_TLS_CERT: m.files.serverCert,
        BRIDGE_TLS_KEY: m.files.serverKey,
        BRIDGE_TLS_CLIENT_CA: m.files.ca,
        MONGODB_URI: mongo.uri,
        WORKER_JWKS: JSON.stringify((await keyRingFrom(signingKeys)).publicJwks),
        INTERNAL_ISSUER: DEV_VARS.JWT_ISSUER,
        SIWT_DOMAIN: DEV_VARS.SIWT_DOMAIN,
        SIWT_URI: DEV_VARS.SIWT_URI,
        SIWT_CHAIN_ID: DEV_VARS.SIWT_CHAIN_ID,
        BOOTSTRAP_SUPER_ADMIN_ADDRESS: m.superAdmin.address,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: m.bridgeUpstashToken,
        WALLET_DRIVER: "software",
        SOFTWARE_WALLET_MNEMONIC: m.walletMnemonic,
      }),
      createLogger({ level: "warn" }),
    );
    stops.push(bridge.stop);
    const tls = { caPem: m.certs.caPem, certPem: m.certs.clientCertPem, keyPem: m.certs.clientKeyPem };
    const forwarder = await startMtlsForwarder({
      port: opts.ports.forwarder,
      target: { host: "127.0.0.1", port: bridge.port, servername: "localhost" },
      tls,
    });
    stops.push(forwarder.stop);

    const scriptPath = await bundleWorker(WORKER_ENTRY, join(CACHE, "dev", "worker.mjs"));
    const worker = await startWorker({
      scriptPath,
      port: opts.ports.edge,
      bindings: {
        ...DEV_VARS,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: m.upstashToken,
        JWT_SIGNING_KEYS: signingKeys,
        SESSION_MAC_KEY: m.sessionMacKey,
        BRIDGE_ORIGIN: "https://localhost",
      },
      serviceBindings: {
        BRIDGE: {
          external: {
            address: `127.0.0.1:${bridge.port}`,
            https: {
              tlsOptions: {
                keypair: { certificateChain: m.certs.clientCertPem, privateKey: m.certs.clientKeyPem },
                trustedCertificates: [m.certs.caPem],
              },
              certificateHost: "localhost",
            },
          },
        },
      },
    });
    stops.push(worker.stop);
    return {
      urls: {
        edge: worker.url,
        bridge: bridge.url,
        bridgeHealth: bridge.healthUrl,
        upstash: upstash.url,
        forwarder: forwarder.url,
      },
      superAdmin: m.superAdmin,
      upstashToken: m.upstashToken,
      jwtSigningKeys: signingKeys,
      sessionMacKey: m.sessionMacKey,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
