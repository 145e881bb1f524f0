import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BridgeConfig } from "@tron-auth/bridge/config-schema";
import type { RunningBridge } from "@tron-auth/bridge/runtime";
import type { RestartableBridge } from "../src/restartable-bridge.ts";

const SOFTWARE_DEVICE_URL = /^\/use\/(software-ledger|software-trezor)$/;
/**
 * A Trezor over UDP cannot tell a pulled cable from a slow one for ~4 s (connect's pings): its
 * confirmations time out within the bridge's 3 s wait, so a test sees the outcome, not a 202.
 */
const DEVICE_ENV: Record<"software-ledger" | "software-trezor", Partial<BridgeConfig>> = {
  "software-ledger": {},
  "software-trezor": { WALLET_CONFIRM_TIMEOUT_SECONDS: 2 },
};
const DEVICE_ACTIONS = new Set(["rejectNext", "lock", "closeApp", "openApp", "disconnect", "reattach"]);
type DeviceAction = "rejectNext" | "lock" | "closeApp" | "openApp" | "disconnect" | "reattach";
type Hold = ReturnType<NonNullable<RunningBridge["softwareDevice"]>["holdNext"]>;

/**
 * Lets tests inside workerd stop and restart the stack's bridge over loopback HTTP (POST /stop,
 * POST /start), to show what the worker does while the Pi is away, and steers its software wallet
 * (POST /device/rejectNext|lock|closeApp|openApp|disconnect|reattach; GET /device;
 * POST /device/holdNext makes the next confirmation wait for POST /device/release). POST
 * /use/software-trezor (or software-ledger) restarts the bridge with that software device, so the
 * end-to-end wallet tests run against both.
 */
export async function startBridgeControl(bridge: RestartableBridge) {
  let hold: Hold | undefined;
  const server = createServer(async (req, res) => {
    try {
      const device = bridge.running()?.softwareDevice;
      const action = /^\/device\/([a-zA-Z]+)$/.exec(req.url ?? "")?.[1];
      if (req.method === "GET" && req.url === "/device") {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ exchangeCount: device?.exchangeCount ?? 0, mode: device?.mode }));
        return;
      }
      if (req.method === "POST" && action === "holdNext" && device) {
        hold = device.holdNext();
      } else if (req.method === "POST" && action === "release") {
        hold?.release();
        hold = undefined;
      } else if (req.method === "POST" && action && device && DEVICE_ACTIONS.has(action)) {
        const steer = device[action as DeviceAction].bind(device) as (n?: number) => void;
        steer(action === "disconnect" ? 2 : undefined);
      } else if (req.method === "POST" && req.url === "/stop") {
        await bridge.stop();
      } else if (req.method === "POST" && req.url === "/start") {
        await bridge.start();
      } else if (req.method === "POST" && SOFTWARE_DEVICE_URL.test(req.url ?? "")) {
        const device =
          SOFTWARE_DEVICE_URL.exec(req.url ?? "")?.[1] === "software-trezor"
            ? "software-trezor"
            : "software-ledger";
        await bridge.use({ WALLET_DEVICE: device, ...DEVICE_ENV[device] });
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(204).end();
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
