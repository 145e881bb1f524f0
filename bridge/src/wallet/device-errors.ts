import { AppError } from "@tron-auth/shared/problems";
import { SW } from "./apdu.ts";

export type DeviceStatus = "disconnected" | "locked" | "app_not_open" | "ready";

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
export function deviceStateOf(
  error: unknown,
): { status: DeviceStatus | "rejected"; problem: AppError } | undefined {
  const sw = field(error, "statusCode");
  const name = String(field(error, "name") ?? "");
  if (sw === SW.userRejected)
    return {
      status: "rejected",
      problem: new AppError("wallet_rejected", "The request was rejected on the device."),
    };
  if (sw === SW.locked)
    return { status: "locked", problem: new AppError("wallet_locked", "Unlock the device with its PIN.") };
  if (typeof sw === "number" && APP_NOT_OPEN.has(sw)) {
    return {
      status: "app_not_open",
      problem: new AppError("wallet_app_not_open", "Open the TRON app on the device."),
    };
  }
  if (GONE.has(name) || name === "TransportRaceCondition") {
    return {
      status: "disconnected",
      problem: new AppError("wallet_disconnected", "The wallet device is not connected.", { retryAfter: 10 }),
    };
  }
  return undefined;
}
