import { Redis } from "@upstash/redis";
import type { Logger } from "pino";
import { readChainKey } from "../audit/chain-key.ts";
import { startOutboxDrain } from "../audit/outbox-drain.ts";
import { createOutboxVerifier } from "../audit/outbox-verify.ts";
import { AuditStore } from "../audit/store.ts";
import { createAssertionVerifier } from "../auth/assertion.ts";
import { ReplayStore } from "../auth/replay-store.ts";
import type { BridgeConfig } from "../config/schema.ts";
import { walletDeviceOf } from "../config/wallet-device.ts";
import { connectDatabase } from "../db/mongo.ts";
import { startPurge } from "../db/purge-timer.ts";
import { auditRoutes } from "../routes/audit.ts";
import { loginRoutes } from "../routes/login.ts";
import { userRoutes } from "../routes/users.ts";
import { walletRoutes } from "../routes/wallet.ts";
import { createApp } from "../server/app.ts";
import { startBridgeServer } from "../server/https.ts";
import type { ListenerLimits } from "../server/listener-limits.ts";
import { UserAdmin } from "../users/admin.ts";
import { UserStore } from "../users/store.ts";
import { Admission } from "../util/admission.ts";
import type { DeviceHolder } from "../wallet/software/device-holder.ts";
import { reportServedCertificate } from "./certificate-report.ts";
import { startHealthListener } from "./health-listener.ts";
import { bridgeProbes } from "./probes.ts";
import { readTlsMaterial } from "./tls-files.ts";

export const BRIDGE_VERSION = "1.0.0";

/** Used assertion ids matter for about a minute; sweeping them every minute keeps the set small. */
const REPLAY_PURGE_INTERVAL_MS = 60_000;

export type RunningBridge = {
  url: string;
  port: number;
  healthUrl: string;
  /** Re-reads the certificate files; new connections use them, the listener stays up. */
  reloadTls(): Promise<void>;
  /** The software wallet device, when that is the driver: tests steer it (reject, lock, unplug). */
  softwareDevice?: DeviceHolder;
  /** Resolves when every signing operation this process started has ended and been stored. */
  settleWallet(): Promise<void>;
  /** Open mTLS connections, handshaking ones included (tests and the soak watch it). */
  openConnections(): Promise<number>;
  /** One drain of the audit outbox now (it also runs on its interval); 0 without an outbox. */
  drainOutbox(): Promise<number>;
  /** Stops accepting, finishes in-flight requests (up to the shutdown timeout), then closes MongoDB. */
  stop(): Promise<void>;
};

function listenerLimitsOf(config: BridgeConfig): ListenerLimits {
  return {
    handshakeTimeoutMs: config.BRIDGE_HANDSHAKE_TIMEOUT_MS,
    headersTimeoutMs: config.BRIDGE_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.BRIDGE_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.BRIDGE_KEEP_ALIVE_TIMEOUT_MS,
    maxHeaderBytes: config.BRIDGE_MAX_HEADER_BYTES,
    maxConnections: config.BRIDGE_MAX_CONNECTIONS,
    maxConnectionsPerPeer: config.BRIDGE_MAX_CONNECTIONS_PER_PEER,
  };
}

function upstashFor(config: BridgeConfig): Redis | undefined {
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return undefined;
  // Raw strings: outbox entries are JSON the drain validates itself.
  return new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    automaticDeserialization: false,
    enableAutoPipelining: false,
  });
}

/** The composition root: configuration in, a listening bridge out. Used by main.ts and by tests. */
export async function startBridge(config: BridgeConfig, log: Logger): Promise<RunningBridge> {
  const tls = await readTlsMaterial(config);
  reportServedCertificate(tls, config, log);
  const chainKey = await readChainKey(config.AUDIT_CHAIN_KEY_FILE);
  const database = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
  try {
    const users = new UserStore(database.db);
    const audit = new AuditStore(database.db, config.AUDIT_RETENTION_DAYS, chainKey);
    await users.ensureIndexes();
    const replay = new ReplayStore(database.db);
    await audit.ensureIndexes();
    const { ttl: replayTtl } = await replay.ensureIndexes();
    log.info({ replayTtlIndex: replayTtl }, "database ready");

    const now = () => new Date();
    const purgeIntervalMs = config.AUDIT_PURGE_INTERVAL_MINUTES * 60_000;
    const purge = startPurge(audit, purgeIntervalMs, log, "audit events past retention");
    void purge.runNow();
    const replayPurge = startPurge(replay, REPLAY_PURGE_INTERVAL_MS, log, "expired assertion ids");
    const redis = upstashFor(config);
    const outbox = redis
      ? startOutboxDrain({
          redis,
          audit,
          // The same keys, issuer and audience as the internal assertions, with the event's own typ.
          verify: createOutboxVerifier({
            jwks: config.WORKER_JWKS,
            issuer: config.INTERNAL_ISSUER,
            audience: config.INTERNAL_AUDIENCE,
          }),
          consumer: config.AUDIT_OUTBOX_CONSUMER,
          intervalMs: config.AUDIT_OUTBOX_POLL_MS,
          log,
        })
      : undefined;
    if (!redis) log.warn("UPSTASH_REDIS_REST_URL not set: the worker's audit outbox is not drained");
    // The signing stack (tronweb, the Ledger libraries: tens of MB) loads only when a wallet is configured.
    const wallet =
      walletDeviceOf(config) === "none"
        ? undefined
        : await (await import("./wallet.ts")).buildWallet(config, {
            db: database.db,
            users,
            audit,
            redis,
            log,
            now,
          });
    const probes = bridgeProbes({
      db: database,
      purge,
      purgeIntervalMs,
      wallet: wallet?.service,
      outbox,
      outboxIntervalMs: config.AUDIT_OUTBOX_POLL_MS,
      maxOutboxLag: config.AUDIT_OUTBOX_MAX_LAG,
    });
    const expected = { domain: config.SIWT_DOMAIN, uri: config.SIWT_URI, chainId: config.SIWT_CHAIN_ID };
    const app = createApp({
      log,
      version: BRIDGE_VERSION,
      probes,
      pinnedClientFingerprints: () => config.BRIDGE_TLS_PINNED_CLIENT_FINGERPRINTS,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      loginAdmission: new Admission({
        concurrency: config.LOGIN_VERIFY_CONCURRENCY,
        queue: config.LOGIN_VERIFY_QUEUE,
      }),
      verifyAssertion: createAssertionVerifier({
        jwks: config.WORKER_JWKS,
        issuer: config.INTERNAL_ISSUER,
        audience: config.INTERNAL_AUDIENCE,
        replay,
      }),
      internal: [
        loginRoutes({
          users,
          audit,
          expected,
          bootstrapAddresses: config.BOOTSTRAP_SUPER_ADMIN_ADDRESS,
          now,
        }),
        userRoutes(users, new UserAdmin(users, audit, now), now),
        auditRoutes(audit, users),
        walletRoutes(wallet),
      ],
    });
    const server = await startBridgeServer({
      app,
      tls,
      host: config.BRIDGE_HOST,
      port: config.BRIDGE_PORT,
      limits: listenerLimitsOf(config),
    });
    const health = await startHealthListener({
      host: config.BRIDGE_HEALTH_HOST,
      port: config.BRIDGE_HEALTH_PORT,
      version: BRIDGE_VERSION,
      probes,
    });
    return {
      url: server.url,
      port: server.port,
      healthUrl: health.url,
      reloadTls: async () => {
        const renewed = await readTlsMaterial(config);
        server.reloadTls(renewed);
        reportServedCertificate(renewed, config, log);
      },
      openConnections: server.openConnections,
      drainOutbox: () => outbox?.drainOnce() ?? Promise.resolve(0),
      settleWallet: () => wallet?.operations.drain() ?? Promise.resolve(),
      ...(wallet?.softwareDevice ? { softwareDevice: wallet.softwareDevice } : {}),
      stop: async () => {
        purge.stop();
        replayPurge.stop();
        await outbox?.stop();
        await wallet?.manager.close();
        await wallet?.operations.drain();
        await Promise.all([server.close(config.SHUTDOWN_TIMEOUT_SECONDS * 1000), health.close()]);
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
