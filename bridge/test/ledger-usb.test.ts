import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { LedgerUsbUnavailable, loadTransportNodeHid } from "../src/wallet/ledger-modules.ts";
import { spawnDaemon } from "./support/daemon.ts";
import { prepareBridgeEnv } from "./support/harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Whether this machine built node-hid (it needs libusb/libudev headers; npm skips it otherwise). */
function nodeHidInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve("@ledgerhq/hw-transport-node-hid");
    return true;
  } catch {
    return false;
  }
}

describe("the Ledger USB driver is optional", () => {
  it("explains what to install when its native module is missing", () => {
    const missing = (id: string): never => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
    };
    let thrown: unknown;
    try {
      loadTransportNodeHid(missing);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LedgerUsbUnavailable);
    const message = (thrown as Error).message;
    expect(message).toContain("WALLET_DEVICE=ledger");
    expect(message).toContain("libusb-1.0-0-dev libudev-dev");
    expect((thrown as LedgerUsbUnavailable).code).toBe("ledger_usb_unavailable");
  });

  it("hands back the transport class when the module loads", () => {
    const fake = { default: class FakeTransport {} };
    expect(loadTransportNodeHid(() => fake)).toBe(fake.default);
  });

  it("the daemon with WALLET_DRIVER=ledger: exit 78 with the remedy without node-hid, ready with it", async () => {
    // development: production with a wallet also requires Upstash (the freeze), beside the point here.
    const prepared = await prepareBridgeEnv({ WALLET_DRIVER: "ledger", NODE_ENV: "development" });
    cleanups.push(prepared.cleanup);
    const daemon = spawnDaemon(prepared.env);
    cleanups.push(async () => {
      if (daemon.child.exitCode === null) daemon.child.kill("SIGKILL");
      await daemon.exited;
    });
    if (nodeHidInstalled()) {
      // With the module (the bridge image, or a box with the headers) the daemon starts and waits
      // for a device to be plugged in.
      await daemon.waitFor("bridge ready");
    } else {
      expect(await daemon.exited).toBe(78);
      expect(daemon.stderr()).toContain("libusb-1.0-0-dev libudev-dev");
    }
  });
});
