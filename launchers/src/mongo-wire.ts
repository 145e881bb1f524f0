import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ownChild, stopChild } from "./child.ts";

export type MongoWireHandle = {
  uri: string;
  kind: "external" | "ferretdb";
  /** FerretDB (SQLite) has no TTL indexes; code that needs expiry must also purge. */
  supportsTtlIndexes: boolean;
  stop(): Promise<void>;
  /** Fault injection (FerretDB only): SIGKILL; its SQLite files stay. */
  kill(): Promise<void>;
  /** Starts FerretDB again after kill(), on the same port and data, so the URI holds. */
  restart(): Promise<void>;
};

const BUILD_HINT =
  "build it with `bash -c 'source scripts/toolchain.sh; ensure_ferretdb'` or set MONGODB_URI";

function ferretdbBinary(): string {
  return process.env.FERRETDB_BIN ?? join(import.meta.dirname, "..", "..", ".cache", "bin", "ferretdb-local");
}

/** MONGODB_URI when set (a real mongod); otherwise a fresh FerretDB with its own data directory. */
export async function startMongoWire(): Promise<MongoWireHandle> {
  const external = process.env.MONGODB_URI;
  if (external) {
    const notOurs = async () => {
      throw new Error("MONGODB_URI is a server this launcher did not start: it cannot kill or restart it");
    };
    return {
      uri: external,
      kind: "external",
      supportsTtlIndexes: true,
      stop: async () => {},
      kill: notOurs,
      restart: notOurs,
    };
  }
  const bin = ferretdbBinary();
  if (!existsSync(bin)) throw new Error(`FerretDB binary not found at ${bin}: ${BUILD_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), "ferretdb-"));
  let ferret = await launch(bin, dir, "127.0.0.1:0");
  const { host } = new URL(ferret.uri);
  return {
    uri: ferret.uri,
    kind: "ferretdb",
    supportsTtlIndexes: false,
    stop: async () => {
      await stopChild(ferret.child);
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => stopChild(ferret.child, "SIGKILL"),
    restart: async () => {
      if (ferret.child.exitCode === null && ferret.child.signalCode === null) return;
      ferret = await launch(bin, dir, host);
    },
  };
}

async function launch(bin: string, dir: string, listen: string) {
  const child = spawn(bin, ["-listen", listen, "-data-dir", dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  ownChild(child);
  const lines = createInterface({ input: child.stdout });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`FerretDB did not become ready in 20 s; ${BUILD_HINT}`)),
      20_000,
    );
    child.once("exit", (code) => reject(new Error(`FerretDB exited with ${code}`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { uri: string }).uri);
      } catch {
        reject(new Error(`unexpected FerretDB output: ${line.slice(0, 200)}`));
      }
    });
  });
  return { uri, child };
}
