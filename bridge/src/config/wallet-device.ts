/** What the bridge drives: a device model, real on USB or in software for tests and development. */
export const WALLET_DEVICES = ["software-ledger", "software-trezor", "ledger", "trezor", "auto"] as const;
export type WalletDevice = (typeof WALLET_DEVICES)[number];

type WalletSettings = {
  WALLET_DEVICE?: string | undefined;
  WALLET_DRIVER?: string | undefined;
  ENABLE_HARDWARE_WALLET?: string | boolean | undefined;
};

const LEGACY_DRIVER: Record<string, WalletDevice | "none"> = {
  ledger: "ledger",
  software: "software-ledger",
  none: "none",
};

const enabled = (v: string | boolean | undefined) =>
  v === true || (typeof v === "string" && /^(true|1|yes)$/i.test(v));

/**
 * The device the bridge drives. WALLET_DEVICE names it; WALLET_DRIVER (its older form: ledger,
 * software, none) still works and means the same device; without either, ENABLE_HARDWARE_WALLET
 * means a Ledger. One reading for the loader's checks and for the runtime.
 */
export function walletDeviceOf(s: WalletSettings): WalletDevice | "none" {
  const device = s.WALLET_DEVICE;
  if (device === "none" || (WALLET_DEVICES as readonly string[]).includes(device ?? ""))
    return device as WalletDevice | "none";
  const legacy = LEGACY_DRIVER[s.WALLET_DRIVER ?? ""];
  if (legacy) return legacy;
  return enabled(s.ENABLE_HARDWARE_WALLET) ? "ledger" : "none";
}

/** WALLET_DEVICE and WALLET_DRIVER both set to different devices: which one was meant is unknown. */
export function walletDeviceConflict(s: WalletSettings): string | undefined {
  const legacy = LEGACY_DRIVER[s.WALLET_DRIVER ?? ""];
  if (!s.WALLET_DEVICE || !legacy || s.WALLET_DEVICE === legacy) return undefined;
  return `WALLET_DRIVER=${s.WALLET_DRIVER} disagrees with WALLET_DEVICE=${s.WALLET_DEVICE}; set only WALLET_DEVICE`;
}

export const isSoftwareDevice = (d: WalletDevice | "none") => d.startsWith("software-");
