import { LOCKDOWN_KEY, LOCKDOWN_SIGNING_FIELD } from "@tron-auth/shared/protocol";
import type { Redis } from "@upstash/redis";
import type { Db } from "mongodb";
import type { Logger } from "pino";
import type { AuditStore } from "../audit/store.ts";
import type { BridgeConfig } from "../config/schema.ts";
import type { UserStore } from "../users/store.ts";
import { ledgerConnector, softwareConnector } from "../wallet/connectors.ts";
import { DeviceManager } from "../wallet/device-manager.ts";
import { SoftwareTronDevice } from "../wallet/software-device.ts";
import { SpendLedger } from "../wallet/spend-ledger.ts";
import { WalletService } from "../wallet/wallet-service.ts";

type WalletDeps = {
  db: Db;
  users: UserStore;
  audit: AuditStore;
  redis: Redis | undefined;
  log: Logger;
  now: () => Date;
};

/** The signing stack for the configured driver, or undefined when the bridge has no wallet. */
export function buildWallet(config: BridgeConfig, deps: WalletDeps) {
  const driver = config.WALLET_DRIVER ?? (config.ENABLE_HARDWARE_WALLET ? "ledger" : "none");
  if (driver === "none") return undefined;
  let softwareDevice: SoftwareTronDevice | undefined;
  if (driver === "software") {
    if (config.NODE_ENV === "production")
      deps.log.warn(
        "SOFTWARE WALLET IN PRODUCTION: keys come from a mnemonic in the environment, not a Ledger",
      );
    softwareDevice = new SoftwareTronDevice(config.SOFTWARE_WALLET_MNEMONIC ?? "");
  }
  const connector = softwareDevice ? softwareConnector(softwareDevice) : ledgerConnector();
  const manager = new DeviceManager(connector, {
    defaultPath: config.WALLET_DEFAULT_PATH.replace(/^m\//, ""),
    confirmTimeoutMs: config.WALLET_CONFIRM_TIMEOUT_SECONDS * 1000,
    log: deps.log,
  });
  void manager.refresh();
  const redis = deps.redis;
  const service = new WalletService({
    device: manager,
    policy: {
      allowedTypes: config.WALLET_ALLOWED_CONTRACT_TYPES,
      allowedContracts: config.WALLET_ALLOWED_CONTRACTS,
      maxPerTransactionSun: config.WALLET_MAX_PER_TRANSACTION_SUN,
      maxPerDaySun: config.WALLET_MAX_PER_DAY_SUN,
    },
    spend: new SpendLedger(deps.db, config.WALLET_MAX_PER_DAY_SUN),
    users: deps.users,
    audit: deps.audit,
    // Without Redis the worker's check is the only one; with it, an unreadable state freezes.
    frozen: async () => {
      if (!redis) return false;
      try {
        return String(await redis.hget(LOCKDOWN_KEY, LOCKDOWN_SIGNING_FIELD)) === "1";
      } catch {
        return true;
      }
    },
    now: deps.now,
  });
  return { service, manager, softwareDevice };
}
