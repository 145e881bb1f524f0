import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadBridgeConfig } from "@tron-auth/bridge/config";
import { startMongoWire } from "@tron-auth/launchers/mongo-wire";
import { freePort } from "@tron-auth/launchers/ports";
import { startRedisServer } from "@tron-auth/launchers/redis-server";
import { BRIDGE_POLICY, startUpstashRest, type UpstashRestHandle } from "@tron-auth/upstash-rest";
import { startMtlsForwarder } from "./mtls-forwarder.ts";
import { type RestartableBridge, startRestartableBridge } from "./restartable-bridge.ts";
import { publicJwks, type StackSecrets, writeBridgeFiles } from "./secrets.ts";
import { StopList } from "./stop-list.ts";
import { type EdgeWiring, withVars, workerBindings } from "./worker-bindings.ts";
import { startWorkerd } from "./workerd.ts";

/** Where each server listens; 0 lets the OS choose. */
export type StackPorts = {
  edge: number;
  bridge: number;
  bridgeHealth: number;
  upstash: number;
  forwarder: number;
};

export const ANY_PORTS: StackPorts = { edge: 0, bridge: 0, bridgeHealth: 0, upstash: 0, forwarder: 0 };

export type StackPlan = {
  secrets: StackSecrets;
  /** A folder for the files the bridge reads (its certificate, key and client CA). */
  dir: string;
  /** What the worker signs and the bridge checks: SIWT's domain, URI and chain, JWT issuer and audience. */
  identity: Pick<EdgeWiring, "siwt" | "jwt">;
  ports: StackPorts;
  /** Bridge settings beyond the wiring: NODE_ENV, wallet policy, poll intervals. */
  bridgeEnv?: Record<string, string>;
  /** Tests only: fault injection in the Upstash server under /_local/faults. */
  faults?: boolean;
  /**
   * redis-server with an append-only file fsynced on every write, as durable as the Upstash the
   * product runs on, so a killed and restarted Redis keeps what it acknowledged (the chaos suite).
   */
  durableRedis?: boolean;
  /** A worker entry to run in workerd; without it the caller runs the worker (the vitest pool does). */
  workerEntry?: string;
  /** A DevTools inspector port for that worker (the soak reads its heap); none by default. */
  workerInspectorPort?: number;
  /** Worker vars beyond the wiring (e.g. rate limits in tests). */
  edgeVars?: Record<string, string>;
  /** The built pages (web/dist) for the workerd worker's ASSETS binding. */
  assets?: string;
  /** The plain-HTTP to mTLS forwarder that `wrangler dev` reaches the bridge through. */
  forwarder?: boolean;
  log?: (line: string) => void;
};

/** A part of the stack that fault injection can take away and bring back on the same address. */
export type Killable = { kill(): Promise<void>; restart(): Promise<void> };
export type KillablePart = "redis" | "upstash" | "bridge" | "mongo";

export type RunningStack = {
  redisUrl: string;
  mongoUri: string;
  upstash: UpstashRestHandle;
  bridge: RestartableBridge;
  /** How a worker reaches this stack; the workerd worker here runs with exactly this. */
  wiring: EdgeWiring;
  urls: { edge?: string; bridge: string; bridgeHealth: string; upstash: string; forwarder?: string };
  /** Kill and restart each server, one at a time (the chaos suite). */
  parts: Record<KillablePart, Killable>;
  stop(): Promise<void>;
};

/**
 * The whole system on this machine: redis-server behind the Upstash-compatible REST server (the
 * worker's full token and the bridge's restricted one), a MongoDB-wire server (MONGODB_URI, else
 * FerretDB), the bridge with the software wallet over mTLS, and, when asked, the worker in workerd
 * and the mTLS forwarder. `npm start`, the worker tests and the benchmarks all stand on this.
 */
export async function startStack(plan: StackPlan): Promise<RunningStack> {
  const parts = new StopList();
  try {
    const { secrets, identity, ports } = plan;
    const redis = parts.add(await startRedisServer({ durable: plan.durableRedis ?? false }));
    const upstashOptions = {
      redisUrl: redis.url,
      token: secrets.upstashToken,
      // The bridge holds only a restricted token (drain the outbox, read the lockdown), as in production.
      restricted: { token: secrets.bridgeUpstashToken, policy: BRIDGE_POLICY },
      ...(plan.faults ? { faults: true } : {}),
    };
    const upstash = await startUpstashRest({ ...upstashOptions, port: ports.upstash });
    const upstashPart = parts.add(
      restartableUpstash(upstash, (more) => startUpstashRest({ ...upstashOptions, ...more })),
    );
    const mongo = parts.add(await startMongoWire());
    plan.log?.(
      `MongoDB wire  ${mongo.kind === "external" ? "MONGODB_URI" : "FerretDB (data is thrown away on stop)"}`,
    );
    const files = writeBridgeFiles(join(plan.dir, "certs"), secrets.certs, secrets.auditChainKey);
    // What `npm run audit:verify` reads (Node's --env-file) to check this stack's audit chain.
    writeFileSync(
      join(plan.dir, "audit-verify.env"),
      `MONGODB_URI=${mongo.uri}\nAUDIT_CHAIN_KEY_FILE=${files.chainKey}\n`,
      { mode: 0o600 },
    );
    const bridge = parts.add(
      await startRestartableBridge(
        loadBridgeConfig({
          LOG_LEVEL: "warn",
          BRIDGE_HOST: "127.0.0.1",
          // A fixed port, so the bridge can be stopped and started again behind the same binding.
          BRIDGE_PORT: String(ports.bridge || (await freePort())),
          BRIDGE_HEALTH_PORT: String(ports.bridgeHealth),
          BRIDGE_TLS_CERT: files.cert,
          BRIDGE_TLS_KEY: files.key,
          BRIDGE_TLS_CLIENT_CA: files.ca,
          AUDIT_CHAIN_KEY_FILE: files.chainKey,
          MONGODB_URI: mongo.uri,
          WORKER_JWKS: JSON.stringify(publicJwks(secrets.jwtKeys)),
          INTERNAL_ISSUER: identity.jwt.issuer,
          SIWT_DOMAIN: identity.siwt.domain,
          SIWT_URI: identity.siwt.uri,
          SIWT_CHAIN_ID: identity.siwt.chainId,
          BOOTSTRAP_SUPER_ADMIN_ADDRESS: secrets.superAdmin.address,
          UPSTASH_REDIS_REST_URL: upstash.url,
          UPSTASH_REDIS_REST_TOKEN: secrets.bridgeUpstashToken,
          // The software Ledger unless the plan names another device (npm start: WALLET_DEVICE).
          WALLET_DEVICE: "software-ledger",
          SOFTWARE_WALLET_MNEMONIC: secrets.walletMnemonic,
          ...plan.bridgeEnv,
        }),
      ),
    );
    const { certs } = secrets;
    const wiring: EdgeWiring = {
      ...identity,
      upstashUrl: upstash.url,
      upstashToken: secrets.upstashToken,
      bridgeAddress: bridge.address,
      caPem: certs.caPem,
      clientKeypair: { certificateChain: certs.clientCertPem, privateKey: certs.clientKeyPem },
      jwtSigningKeys: JSON.stringify(secrets.jwtKeys),
      sessionMacKey: secrets.sessionMacKey,
    };
    const forwarder = plan.forwarder
      ? parts.add(
          await startMtlsForwarder({
            port: ports.forwarder,
            target: { host: "127.0.0.1", port: bridge.port, servername: "localhost" },
            tls: { caPem: certs.caPem, certPem: certs.clientCertPem, keyPem: certs.clientKeyPem },
          }),
        )
      : undefined;
    const worker = plan.workerEntry
      ? parts.add(
          await startWorkerd({
            entry: plan.workerEntry,
            inspectorPort: plan.workerInspectorPort,
            port: ports.edge,
            assets: plan.assets,
            ...withVars(workerBindings(wiring), plan.edgeVars),
          }),
        )
      : undefined;
    return {
      redisUrl: redis.url,
      mongoUri: mongo.uri,
      upstash,
      bridge,
      wiring,
      urls: {
        ...(worker ? { edge: worker.url } : {}),
        bridge: bridge.url,
        bridgeHealth: bridge.healthUrl,
        upstash: upstash.url,
        ...(forwarder ? { forwarder: forwarder.url } : {}),
      },
      parts: {
        redis,
        upstash: upstashPart,
        mongo,
        bridge: { kill: () => bridge.stop(), restart: () => bridge.start() },
      },
      stop: parts.stopAll,
    };
  } catch (error) {
    await parts.stopAll();
    throw error;
  }
}

/**
 * The Upstash-compatible server, in this process, stopped and started again on its first port.
 * `running` is the first server's handle (its URL and request counts) until the first kill.
 */
function restartableUpstash(
  first: UpstashRestHandle,
  start: (opts: { port: number }) => Promise<UpstashRestHandle>,
): Killable & { stop(): Promise<void> } {
  let running: UpstashRestHandle | undefined = first;
  const kill = async () => {
    const stopping = running;
    running = undefined;
    await stopping?.stop();
  };
  return {
    kill,
    restart: async () => {
      running ??= await start({ port: first.port });
    },
    stop: kill,
  };
}
