import { DeviceFault } from "../device.ts";

/** What the host saw during a call besides its answer: the device asked for a PIN or a passphrase. */
export type Prompts = { pin: boolean; passphrase: boolean };

const REJECTED = new Set(["Failure_ActionCancelled", "Method_Cancel", "Failure_Cancelled"]);
const LOCKED = new Set([
  "Failure_PinInvalid",
  "Failure_PinCancelled",
  "Failure_PinExpected",
  "Device_InvalidState",
]);
/** No TRON in this firmware: a Model One, Bitcoin-only firmware, or core older than 2.11.0. */
const NO_TRON = new Set([
  "Device_MissingCapability",
  "Device_MissingCapabilityBtcOnly",
  "Failure_UnexpectedMessage",
  "Method_NotAllowed",
]);
const GONE = new Set([
  "Device_NotFound",
  "Device_Disconnected",
  "Device_UsedElsewhere",
  "Device_CallInProgress",
  "Transport_Missing",
  "Method_Interrupted",
]);

/**
 * A failed @trezor/connect call as a device fault, by its stable code (never by message text).
 * A PIN or passphrase prompt the bridge cancelled wins over the cancellation it caused.
 */
export function trezorFault(payload: { error?: string; code?: string }, prompts: Prompts): Error {
  const code = payload.code ?? "";
  if (prompts.pin || LOCKED.has(code)) return new DeviceFault("locked", "the Trezor asks for its PIN");
  if (prompts.passphrase) return new DeviceFault("passphrase_required", "the Trezor asks for a passphrase");
  if (REJECTED.has(code)) return new DeviceFault("rejected", "rejected on the Trezor");
  if (NO_TRON.has(code)) return new DeviceFault("app_not_open", "this Trezor firmware cannot sign TRON");
  if (GONE.has(code)) return new DeviceFault("disconnected", "no Trezor connected");
  return new Error(`Trezor call failed: ${code || "unknown"} ${payload.error ?? ""}`.trim());
}
