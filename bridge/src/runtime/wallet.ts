import { problem } from "@tron-auth/shared/problems";
import type { Redis } from "@upstash/redis";
import type { Db } from "mongodb";
import type { Logger } from "pino";
import type { AuditStore } from "../audit/store.ts";
import type { BridgeConfig } from "../config/schema.ts";
import { walletDeviceOf } from "../config/wallet-device.ts";
import type { UserStore } from "../users/store.ts";
import { DeviceManager } from "../wallet/device-manager.ts";
import { freezeReader } from "../wallet/lockdown-freeze.ts";
import { OperationStore } from "../wallet/operation-store.ts";
import { SpendLedger } from "../wallet/spend-ledger.ts";
import { WalletOperations } from "../wallet/wallet-operations.ts";
import { WalletService } from "../wallet/wallet-service.ts";
import { connectWalletDevice } from "./wallet-device.ts";

type WalletDeps = {
  db: Db;
  users: UserStore;
  audit: AuditStore;
  redis: Redis | undefined;
  log: Logger;
  now: () => Date;
};

/** The names a signed message may not contain: the sign-in domain and the login URI's host. */
function serviceNames(config: BridgeConfig): string[] {
  const uri = new URL(config.SIWT_URI);
  return [...new Set([config.SIWT_DOMAIN, config.SIWT_DOMAIN.replace(/:\d+$/, ""), uri.host, uri.hostname])];
}

/** The signing stack for the configured driver, or undefined when the bridge has no wallet. */
export async function buildWallet(config: BridgeConfig, deps: WalletDeps) {
  const device = walletDeviceOf({ ...config, ENABLE_HARDWARE_WALLET: config.ENABLE_HARDWARE_WALLET });
  if (device === "none") return undefined;
  const spend = new SpendLedger(deps.db);
  await spend.ensureIndexes();
  const { connector, holder: softwareDevice } = await connectWalletDevice(device, config, deps.log);
  const manager = new DeviceManager(connector, {
    defaultPath: config.WALLET_DEFAULT_PATH,
    confirmTimeoutMs: config.WALLET_CONFIRM_TIMEOUT_SECONDS * 1000,
    log: deps.log,
  });
  void manager.refresh();
  const service = new WalletService({
    device: manager,
    policy: {
      allowedTypes: config.WALLET_ALLOWED_CONTRACT_TYPES,
      allowedContracts: config.WALLET_ALLOWED_CONTRACTS,
      tokens: config.WALLET_TOKENS,
      maxPerTransactionSun: BigInt(config.WALLET_MAX_PER_TRANSACTION_SUN),
      maxPer24hSun: BigInt(config.WALLET_MAX_PER_DAY_SUN),
    },
    messages: { service: config.SIWT_DOMAIN, domains: serviceNames(config) },
    allowedPaths: config.WALLET_ALLOWED_PATHS,
    spend,
    users: deps.users,
    audit: deps.audit,
    frozen: freezeReader(deps.redis),
    now: deps.now,
  });
  const store = new OperationStore(deps.db);
  await store.ensureIndexes();
  const interrupted = await store.interruptPending(
    problem("wallet_operation_interrupted", {
      detail: "The bridge restarted during this operation; sign again with a new Idempotency-Key.",
    }),
    deps.now(),
  );
  if (interrupted > 0) deps.log.warn({ interrupted }, "wallet operations interrupted by a restart");
  const operations = new WalletOperations({
    store,
    wallet: service,
    log: deps.log,
    now: deps.now,
    perUser: config.WALLET_QUEUE_PER_USER,
  });
  return { service, operations, manager, softwareDevice };
}
