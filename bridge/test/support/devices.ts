/**
 * The software devices the end-to-end wallet tests run against, and what differs between them
 * (only what the devices themselves make different; every rule above the device is shared).
 */
export type SoftwareDeviceCase = {
  device: "software-ledger" | "software-trezor";
  /** What the device reports as its app or firmware version. */
  appVersion: string;
  /** Whether it signs TIP-191 messages (Trezor's TRON app does not). */
  signsMessages: boolean;
  /**
   * A cable pulled mid-signature: the Ledger transport fails at once; over UDP a Trezor just goes
   * silent, and the confirmation timeout may end the call before connect notices (4 s pings).
   */
  unpluggedMidSignature: readonly string[];
  /** The confirmation timeout the tests use: a Trezor call is several messages over UDP. */
  confirmTimeoutSeconds: string;
};

export const SOFTWARE_DEVICES: readonly SoftwareDeviceCase[] = [
  {
    device: "software-ledger",
    appVersion: "0.5.0",
    signsMessages: true,
    unpluggedMidSignature: ["wallet_disconnected"],
    confirmTimeoutSeconds: "1",
  },
  {
    device: "software-trezor",
    appVersion: "2.11.0",
    signsMessages: false,
    unpluggedMidSignature: ["wallet_disconnected", "wallet_timeout"],
    confirmTimeoutSeconds: "2",
  },
];
