import { createRequire } from "node:module";

/**
 * The Ledger packages, loaded as CommonJS: their ESM builds (`lib-es`) import files without
 * extensions, which Node's ESM loader refuses, while `require` resolves their CJS builds.
 */
const require = createRequire(import.meta.url);

type TransportModule = typeof import("@ledgerhq/hw-transport");
type TrxModule = typeof import("@ledgerhq/hw-app-trx");
type ErrorsModule = typeof import("@ledgerhq/errors");

export const Transport = (require("@ledgerhq/hw-transport") as TransportModule).default;
export type Transport = InstanceType<typeof Transport>;
export const Trx = (require("@ledgerhq/hw-app-trx") as TrxModule).default;
export type Trx = InstanceType<typeof Trx>;
/**
 * What the bridge uses of hw-transport-node-hid's default export, written out here because the
 * package is optional: its own declarations are absent wherever node-hid did not build.
 */
export type TransportNodeHid = {
  create(openTimeoutMs?: number, listenTimeoutMs?: number): Promise<Transport>;
  listen(observer: { next(event: { type: string }): void; error(error: unknown): void; complete(): void }): {
    unsubscribe(): void;
  };
};
export const { DisconnectedDevice, DisconnectedDeviceDuringOperation } =
  require("@ledgerhq/errors") as ErrorsModule;

/** Thrown when the Ledger USB driver is configured but its native module is not installed. */
export class LedgerUsbUnavailable extends Error {
  readonly code = "ledger_usb_unavailable";
  constructor(cause: unknown) {
    super(
      "WALLET_DEVICE=ledger (or auto) needs @ledgerhq/hw-transport-node-hid, an optional dependency that " +
        "compiles node-hid against libusb/libudev. Install the headers (apt-get install " +
        "libusb-1.0-0-dev libudev-dev python3 make g++) and run npm install again, or use the " +
        "bridge image, which builds it.",
      { cause },
    );
    this.name = "LedgerUsbUnavailable";
  }
}

/**
 * node-hid is optional: a developer box without USB (or without the headers to build it) runs the
 * software device and never loads it. It is loaded only when the Ledger driver is built.
 */
export function loadTransportNodeHid(load: (id: string) => unknown = require): TransportNodeHid {
  try {
    return (load("@ledgerhq/hw-transport-node-hid") as { default: TransportNodeHid }).default;
  } catch (error) {
    throw new LedgerUsbUnavailable(error);
  }
}
