import type { DecodedTransaction } from "./transaction-types.ts";

/**
 * One open conversation with a device, whatever speaks underneath (Ledger APDUs, Trezor
 * messages). The queue, timeouts, policy, freeze, idempotency and the check that the signature
 * recovers to the device's address live above it, once for every device.
 */
export type DeviceSession = {
  /** The device that answered ("ledger", "trezor", or their software twins). */
  driver: string;
  /** Messages (TIP-191) are not signable on every device: Trezor's TRON app has no such call. */
  signsMessages: boolean;
  /** The TRON app's or the firmware's version. */
  version(): Promise<string>;
  address(path: string): Promise<string>;
  /** The 65-byte signature (hex) over sha256(raw data) of the transaction the policy approved. */
  signTransaction(path: string, tx: DecodedTransaction, rawDataHex: string): Promise<string>;
  /** The 65-byte signature (0x hex) of a TIP-191 message. */
  signMessage(path: string, message: string): Promise<string>;
  /** Ends the conversation; a confirmation still on screen is abandoned. */
  close(): Promise<void>;
};

/** How the manager reaches a device: open a session, and optionally hear plug/unplug events. */
export type DeviceConnector = {
  driver: string;
  open(): Promise<DeviceSession>;
  watch?(events: { attached(): void; detached(): void }): () => void;
  /** Releases what the connector started (a client library's loops, a software device). */
  close?(): Promise<void>;
};

export type DeviceFaultKind = "rejected" | "locked" | "passphrase_required" | "app_not_open" | "disconnected";

/** A device's answer translated into what it means, by drivers that do not throw Ledger errors. */
export class DeviceFault extends Error {
  override readonly name = "DeviceFault";
  readonly kind: DeviceFaultKind;
  constructor(kind: DeviceFaultKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
