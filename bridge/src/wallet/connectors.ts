import type { Logger } from "pino";
import type { DeviceConnector } from "./device.ts";
import { DisconnectedDevice, loadTransportNodeHid } from "./ledger-modules.ts";
import { ledgerSession } from "./ledger-session.ts";
import type { SoftwareLedger } from "./software/software-ledger.ts";
import { TrezorConnector } from "./trezor/trezor-connector.ts";

/** A Ledger on USB (hidraw). Plug and unplug events reach the manager, which reopens on demand. */
export function ledgerConnector(TransportNodeHid = loadTransportNodeHid()): DeviceConnector {
  return {
    driver: "ledger",
    open: async () => ledgerSession(await TransportNodeHid.create(3_000, 3_000), "ledger"),
    watch: (events) => {
      const subscription = TransportNodeHid.listen({
        next: (e: { type: string }) => (e.type === "add" ? events.attached() : events.detached()),
        error: () => events.detached(),
        complete: () => undefined,
      });
      return () => subscription.unsubscribe();
    },
  };
}

/** The software Ledger: "open" fails while its cable is pulled, like a missing USB device. */
export function softwareLedgerConnector(device: SoftwareLedger): DeviceConnector {
  return {
    driver: "software-ledger",
    open: async () => {
      if (device.holder.mode === "disconnected") throw new DisconnectedDevice("no device attached");
      device.reattachTransport();
      return ledgerSession(device, "software-ledger");
    },
  };
}

/** A Trezor on USB through libusb, or the software Trezor on the emulator's UDP port. */
export function trezorConnector(log: Logger, software = false): TrezorConnector {
  return new TrezorConnector({
    driver: software ? "software-trezor" : "trezor",
    transport: software ? "UdpTransport" : "NodeUsbTransport",
    log,
  });
}

/**
 * Whichever device is plugged in, tried in order (a Ledger first: its open fails at once when
 * none is attached). Each open looks again, so swapping devices needs no restart.
 */
export function autoConnector(candidates: readonly DeviceConnector[]): DeviceConnector {
  return {
    driver: "auto",
    open: async () => {
      let last: unknown;
      for (const c of candidates) {
        try {
          return await c.open();
        } catch (error) {
          last = error;
        }
      }
      throw last;
    },
    watch: (events) => {
      const stops = candidates.map((c) => c.watch?.(events));
      return () => {
        for (const stop of stops) stop?.();
      };
    },
  };
}
