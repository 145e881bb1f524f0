import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningBridge } from "@tron-auth/bridge/runtime";

const DEVICE_ACTIONS = new Set(["rejectNext", "lock", "closeApp", "openApp", "disconnect", "reattach"]);
type DeviceAction = "rejectNext" | "lock" | "closeApp" | "openApp" | "disconnect" | "reattach";
type Hold = ReturnType<NonNullable<RunningBridge["softwareDevice"]>["holdNext"]>;

/**
 * Owns the test bridge and lets tests inside workerd stop and restart it over loopback HTTP
 * (POST /stop, POST /start), to show what the worker does while the Pi is away, and steers its
 * software wallet (POST /device/rejectNext|lock|closeApp|openApp|disconnect|reattach; GET /device;
 * POST /device/holdNext makes the next confirmation wait for POST /device/release).
 */
export async function startBridgeControl(start: () => Promise<RunningBridge>) {
  let bridge: RunningBridge | undefined = await start();
  let hold: Hold | undefined;
  const server = createServer(async (req, res) => {
    try {
      const device = bridge?.softwareDevice;
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
        await bridge?.stop();
        bridge = undefined;
      } else if (req.method === "POST" && req.url === "/start") {
        bridge ??= await start();
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
    stop: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await bridge?.stop();
    },
  };
}
