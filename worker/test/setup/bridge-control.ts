import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningBridge } from "@tron-auth/bridge/runtime";

/**
 * Owns the test bridge and lets tests inside workerd stop and restart it over loopback HTTP
 * (POST /stop, POST /start), to show what the worker does while the Pi is away.
 */
export async function startBridgeControl(start: () => Promise<RunningBridge>) {
  let bridge: RunningBridge | undefined = await start();
  const server = createServer(async (req, res) => {
    try {
      if (req.method === "POST" && req.url === "/stop") {
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
