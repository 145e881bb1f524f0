import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownChild, stopChild } from "./child.ts";
import { freePort } from "./ports.ts";

export type RedisServerHandle = {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Fault injection: SIGKILL, as a crash or an OOM kill would; the data directory stays. */
  kill(): Promise<void>;
  /** Starts it again after kill(), on the same port and data directory. */
  restart(): Promise<void>;
};

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * `durable`: an append-only file fsynced on every write, so a killed server comes back with every
 * write it acknowledged, as the durable Upstash the product runs on does. Off by default: tests
 * that never kill Redis do not pay for the fsyncs.
 */
function launch(port: number, dir: string, durable: boolean) {
  const persistence = durable ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      ...persistence,
      "--dir",
      dir,
      "--protected-mode",
      "yes",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  ownChild(child);
  return child;
}

async function ready(child: ReturnType<typeof launch>, port: number): Promise<void> {
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (e) =>
      reject(
        new Error(
          `redis-server not found (${e.message}): run \`bash .ci/run\` or \`apt-get install redis-server\``,
        ),
      ),
    ),
  );
  const answering = (async () => {
    for (let i = 0; i < 200; i++) {
      if (await ping(port)) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("redis-server did not answer PING within 5 s");
  })();
  await Promise.race([answering, spawnError]);
}

/** A real redis-server on loopback in a throwaway directory; persistent only when `durable`. */
export async function startRedisServer(
  opts: { port?: number; durable?: boolean } = {},
): Promise<RedisServerHandle> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "redis-"));
  const durable = opts.durable ?? false;
  let child = launch(port, dir, durable);
  await ready(child, port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => stopChild(child, "SIGKILL"),
    restart: async () => {
      if (child.exitCode === null && child.signalCode === null) return;
      child = launch(port, dir, durable);
      await ready(child, port);
    },
  };
}
