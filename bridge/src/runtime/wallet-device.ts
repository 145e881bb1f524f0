import type { Logger } from "pino";
import type { BridgeConfig } from "../config/schema.ts";
import type { WalletDevice } from "../config/wallet-device.ts";
import {
  autoConnector,
  ledgerConnector,
  softwareLedgerConnector,
  trezorConnector,
} from "../wallet/connectors.ts";
import type { DeviceConnector } from "../wallet/device.ts";
import type { DeviceHolder } from "../wallet/software/device-holder.ts";
import { SoftwareLedger } from "../wallet/software/software-ledger.ts";
import { SoftwareTrezor } from "../wallet/software/software-trezor.ts";

/** How long a software Trezor waits for the emulator port held by another one (tests in parallel). */
const SOFTWARE_TREZOR_PORT_WAIT_MS = 120_000;

/**
 * The connector for the configured device; for a software device also its holder, which tests
 * steer. The software Trezor runs in this process on the emulator's UDP port and is reached
 * through @trezor/connect's UDP transport, as an emulator would be.
 */
export async function connectWalletDevice(
  device: WalletDevice,
  config: BridgeConfig,
  log: Logger,
): Promise<{ connector: DeviceConnector; holder?: DeviceHolder }> {
  if (device.startsWith("software-") && config.NODE_ENV === "production")
    log.warn("SOFTWARE WALLET IN PRODUCTION: keys come from a mnemonic in the environment, not a device");
  const mnemonic = config.SOFTWARE_WALLET_MNEMONIC ?? "";
  switch (device) {
    case "ledger":
      return { connector: ledgerConnector() };
    case "trezor":
      return { connector: trezorConnector(log) };
    case "auto":
      return { connector: autoConnector([ledgerConnector(), trezorConnector(log)]) };
    case "software-ledger": {
      const ledger = new SoftwareLedger(mnemonic);
      return { connector: softwareLedgerConnector(ledger), holder: ledger.holder };
    }
    case "software-trezor": {
      const trezor = new SoftwareTrezor(mnemonic);
      await trezor.listen({ waitMs: SOFTWARE_TREZOR_PORT_WAIT_MS });
      const connect = trezorConnector(log, true);
      return {
        connector: {
          driver: connect.driver,
          open: () => connect.open(),
          watch: (events) => connect.watch(events),
          close: async () => {
            await connect.close();
            await trezor.close();
          },
        },
        holder: trezor.holder,
      };
    }
  }
}
