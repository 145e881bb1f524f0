import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { softwareLedgerConnector } from "../src/wallet/connectors.ts";
import type { DeviceConnector, DeviceSession } from "../src/wallet/device.ts";
import { DeviceManager } from "../src/wallet/device-manager.ts";
import { SoftwareLedger } from "../src/wallet/software/software-ledger.ts";
import { TEST_ADDRESS, TEST_MNEMONIC } from "./support/transactions.ts";

/** The software device behind a connector that also reports plug/unplug, like node-hid's listen. */
function pluggable() {
  const ledger = new SoftwareLedger(TEST_MNEMONIC);
  const device = ledger.holder;
  let events: { attached(): void; detached(): void } | undefined;
  const connector: DeviceConnector = {
    ...softwareLedgerConnector(ledger),
    watch: (e) => {
      events = e;
      return () => (events = undefined);
    },
  };
  const manager = new DeviceManager(connector, {
    defaultPath: "44'/195'/0'/0/0",
    confirmTimeoutMs: 500,
    log: pino({ level: "silent" }),
  });
  return {
    device,
    manager,
    unplug: () => {
      device.disconnect();
      events?.detached();
    },
    plug: () => {
      device.reattach();
      events?.attached();
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("device manager", () => {
  it("reports ready with the app version and address after a refresh", async () => {
    const { manager } = pluggable();
    expect(await manager.refresh()).toEqual({
      status: "ready",
      driver: "software-ledger",
      appVersion: "0.5.0",
      address: TEST_ADDRESS,
      pending: 0,
    });
  });

  it("follows unplug and plug events: disconnected, then ready again without a restart", async () => {
    const { manager, unplug, plug } = pluggable();
    await manager.refresh();
    unplug();
    await until(() => manager.info().status === "disconnected");
    expect(manager.info().status).toBe("disconnected");
    plug();
    await until(() => manager.info().status === "ready");
    expect(manager.info().status).toBe("ready");
  });

  it("reports locked and app_not_open from the status words, and recovers when fixed", async () => {
    const { manager, device } = pluggable();
    device.lock();
    expect((await manager.refresh()).status).toBe("locked");
    device.closeApp();
    expect((await manager.refresh()).status).toBe("app_not_open");
    device.openApp();
    expect((await manager.refresh()).status).toBe("ready");
  });

  it("times out a confirmation nobody gives, drops the transport, and serves the next operation", async () => {
    const { manager, device } = pluggable();
    device.hangNext();
    await expect(manager.use((d) => d.signMessage("44'/195'/0'/0/0", "hello"))).rejects.toMatchObject({
      problem: { code: "wallet_timeout" },
    });
    expect(await manager.use((d) => d.address("44'/195'/0'/0/0"))).toBe(TEST_ADDRESS);
  });

  it("runs operations one at a time, in order", async () => {
    const { manager } = pluggable();
    const order: string[] = [];
    await Promise.all(
      ["a", "b", "c"].map((name) =>
        manager.use(async (d) => {
          order.push(`${name}:start`);
          await d.version();
          order.push(`${name}:end`);
        }),
      ),
    );
    expect(order).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("serves callers in turn: one caller's ten queued operations delay another's by one", async () => {
    const { manager, device } = pluggable();
    const order: string[] = [];
    const op = (name: string) => async (d: DeviceSession) => {
      order.push(name);
      await d.address("44'/195'/0'/0/0");
    };
    // The flooder's first operation holds the device (a slow confirmation) while the rest queue.
    const held = device.holdNext();
    const flood = [
      manager.use(async (d) => {
        order.push("flood-0");
        await d.signMessage("44'/195'/0'/0/0", "slow");
      }, "flooder"),
    ];
    await held.reached;
    for (let i = 1; i < 10; i++) flood.push(manager.use(op(`flood-${i}`), "flooder"));
    const other = manager.use(op("other"), "other");
    const third = manager.use(op("third"), "third");
    held.release();
    await Promise.all([...flood, other, third]);
    // Same-caller order is kept; the others each waited for one of the flooder's, not nine.
    expect(order.slice(0, 5)).toEqual(["flood-0", "other", "flood-1", "third", "flood-2"]);
    expect(order.filter((n) => n.startsWith("flood"))).toEqual(
      Array.from({ length: 10 }, (_, i) => `flood-${i}`),
    );
    expect(manager.info().pending).toBe(0);
  });
});
