import type { BridgeConfig } from "../config/schema.ts";

export type WalletDriver = NonNullable<BridgeConfig["WALLET_DRIVER"]>;

/** WALLET_DRIVER when set, else ENABLE_HARDWARE_WALLET (the earlier service's switch) picks the Ledger. */
export function walletDriver(config: BridgeConfig): WalletDriver {
  return config.WALLET_DRIVER ?? (config.ENABLE_HARDWARE_WALLET ? "ledger" : "none");
}
