import { AppError } from "@tron-auth/shared/problems";
import { SW } from "./apdu.ts";
import { DeviceFault, type DeviceFaultKind } from "./device.ts";

export type DeviceStatus = "disconnected" | "locked" | "passphrase_required" | "app_not_open" | "ready";
type DeviceState = { status: DeviceStatus | "rejected"; problem: AppError };

const STATES: Record<DeviceFaultKind, () => DeviceState> = {
  rejected: () => ({
    status: "rejected",
    problem: new AppError("wallet_rejected", "The request was rejected on the device."),
  }),
  locked: () => ({
    status: "locked",
    problem: new AppError("wallet_locked", "Unlock the device with its PIN."),
  }),
  passphrase_required: () => ({
    status: "passphrase_required",
    problem: new AppError("wallet_locked", "The device asks for a passphrase; the bridge signs without one."),
  }),
  app_not_open: () => ({
    status: "app_not_open",
    problem: new AppError(
      "wallet_app_not_open",
      "Open the TRON app on the device (or install firmware with TRON).",
    ),
  }),
  disconnected: () => ({
    status: "disconnected",
    problem: new AppError("wallet_disconnected", "The wallet device is not connected.", { retryAfter: 10 }),
  }),
};

const APP_NOT_OPEN = new Set<number>([SW.claNotSupported, SW.insNotSupported, SW.appNotOpen]);
const GONE = new Set([
  "DisconnectedDevice",
  "DisconnectedDeviceDuringOperation",
  "TransportError",
  "CantOpenDevice",
]);

function field(error: unknown, name: string): unknown {
  return typeof error === "object" && error !== null && name in error
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

/**
 * What a device error means, by status word and error name (never instanceof: the Ledger
 * packages can exist twice in a tree). Undefined for errors that are not about the device.
 */
export function deviceStateOf(error: unknown): DeviceState | undefined {
  if (error instanceof DeviceFault) return STATES[error.kind]();
  const sw = field(error, "statusCode");
  const name = String(field(error, "name") ?? "");
  if (sw === SW.userRejected) return STATES.rejected();
  if (sw === SW.locked) return STATES.locked();
  if (typeof sw === "number" && APP_NOT_OPEN.has(sw)) return STATES.app_not_open();
  if (GONE.has(name) || name === "TransportRaceCondition") return STATES.disconnected();
  return undefined;
}
