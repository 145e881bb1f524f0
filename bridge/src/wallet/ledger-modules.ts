import { createRequire } from "node:module";

/**
 * The Ledger packages, loaded as CommonJS: their ESM builds (`lib-es`) import files without
 * extensions, which Node's ESM loader refuses, while `require` resolves their CJS builds.
 */
const require = createRequire(import.meta.url);

type TransportModule = typeof import("@ledgerhq/hw-transport");
type TrxModule = typeof import("@ledgerhq/hw-app-trx");
type NodeHidModule = typeof import("@ledgerhq/hw-transport-node-hid");
type ErrorsModule = typeof import("@ledgerhq/errors");

export const Transport = (require("@ledgerhq/hw-transport") as TransportModule).default;
export type Transport = InstanceType<typeof Transport>;
export const Trx = (require("@ledgerhq/hw-app-trx") as TrxModule).default;
export type Trx = InstanceType<typeof Trx>;
export const TransportNodeHid = (require("@ledgerhq/hw-transport-node-hid") as NodeHidModule).default;
export const { DisconnectedDevice, DisconnectedDeviceDuringOperation } =
  require("@ledgerhq/errors") as ErrorsModule;
