import type { DeviceConnector } from "./device-manager.ts";
import { DisconnectedDevice, loadTransportNodeHid } from "./ledger-modules.ts";
import type { SoftwareTronDevice } from "./software-device.ts";

/** A Ledger on USB (hidraw). Plug and unplug events reach the manager, which reopens on demand. */
export function ledgerConnector(TransportNodeHid = loadTransportNodeHid()): DeviceConnector {
  return {
    driver: "ledger",
    open: () => TransportNodeHid.create(3_000, 3_000),
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

/** The software device: "open" fails while its cable is pulled, like a missing USB device. */
export function softwareConnector(device: SoftwareTronDevice): DeviceConnector {
  return {
    driver: "software",
    open: async () => {
      if (device.mode === "disconnected") throw new DisconnectedDevice("no device attached");
      device.reattachTransport();
      return device;
    },
  };
}
