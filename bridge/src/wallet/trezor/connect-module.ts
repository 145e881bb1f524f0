import { createRequire } from "node:module";

/** A connect call's answer: a payload on success, an error and a stable code otherwise. */
export type Answer<T> =
  | { success: true; payload: T }
  | { success: false; payload: { error: string; code?: string } };

/**
 * What the bridge uses of @trezor/connect, written out here: the package's own declarations pull
 * in @noble/hashes sources that this project's compiler settings refuse (TS2877).
 */
export type TrezorConnect = {
  init(settings: {
    manifest: { appName: string; email: string; appUrl: string };
    transports: string[];
    lazyLoad: boolean;
    popup: boolean;
  }): Promise<void>;
  on(event: string, listener: (event: { type: string }) => void): void;
  cancel(reason?: string): void;
  dispose(): void;
  getFeatures(): Promise<
    Answer<{ major_version: number; minor_version: number; patch_version: number; capabilities?: string[] }>
  >;
  tronGetAddress(params: { path: string; showOnTrezor: boolean }): Promise<Answer<{ address: string }>>;
  tronSignTransaction(params: unknown): Promise<Answer<{ signature: string }>>;
};

/** The event names connect emits (its DEVICE_EVENT / UI_EVENT constants). */
export const EVENTS = {
  device: "DEVICE_EVENT",
  ui: "UI_EVENT",
  connect: "device-connect",
  connectUnacquired: "device-connect_unacquired",
  disconnect: "device-disconnect",
  requestPin: "ui-request_pin",
  requestPassphrase: "ui-request_passphrase",
  requestPassphraseOnDevice: "ui-request_passphrase_on_device",
} as const;

/**
 * @trezor/connect, loaded as CommonJS like the Ledger packages; its API object is the module's
 * `default`. In Node it runs its core in this process: no browser, popup or Trezor Suite.
 */
export function loadTrezorConnect(): TrezorConnect {
  return (createRequire(import.meta.url)("@trezor/connect") as { default: TrezorConnect }).default;
}
