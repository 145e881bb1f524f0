import type { DeviceSession } from "./device.ts";
import { type Transport, Trx } from "./ledger-modules.ts";

/** A Ledger's TRON app behind the device interface: the real hw-app-trx client over a transport. */
export function ledgerSession(transport: Transport, driver: string): DeviceSession {
  const trx = new Trx(transport);
  return {
    driver,
    signsMessages: true,
    version: async () => (await trx.getAppConfiguration()).version,
    address: async (path) => (await trx.getAddress(path)).address,
    // The app hashes and signs the raw bytes themselves: what the policy read is what is signed.
    signTransaction: (path, _tx, rawDataHex) => trx.signTransaction(path, rawDataHex, []),
    signMessage: async (path, message) =>
      `0x${await trx.signPersonalMessage(path, Buffer.from(message, "utf8").toString("hex"))}`,
    close: () => transport.close(),
  };
}
