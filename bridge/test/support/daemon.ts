import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const MAIN = join(import.meta.dirname, "..", "..", "src", "main.ts");

/**
 * The flags the container runs the daemon with (docker/Dockerfile CMD). A 1 MB young
 * generation trims ~13 MB of idle resident memory on the Pi at no measurable throughput cost.
 */
export const DAEMON_NODE_FLAGS = ["--max-semi-space-size=1"] as const;

export type LogLine = { msg?: string; level?: string; url?: string; health?: string; [k: string]: unknown };

export type Daemon = {
  child: ChildProcess;
  lines: LogLine[];
  stderr: () => string;
  /** Resolves with the first log line whose msg matches (already written or still to come). */
  waitFor(msg: string, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<number | null>;
};

export type DaemonOptions = {
  /** The entry point; by default the TypeScript sources, as development runs them. */
  main?: string;
  /** Node flags beyond the container's. */
  nodeFlags?: readonly string[];
};

/**
 * The bridge as production runs it, configured by environment only: `node bridge/src/main.ts`,
 * or the compiled bundle (`options.main`) as the image runs it.
 */
export function spawnDaemon(env: Record<string, string>, options: DaemonOptions = {}): Daemon {
  const args = [...DAEMON_NODE_FLAGS, ...(options.nodeFlags ?? []), options.main ?? MAIN];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters: { msg: string; resolve: (l: LogLine) => void }[] = [];
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on("line", (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const w of waiters.filter((x) => x.msg === line.msg)) w.resolve(line);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor: (msg, timeoutMs = 15_000) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${msg}" log line; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          msg,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then((code) => reject(new Error(`daemon exited ${code} before "${msg}": ${stderr}`)));
      });
    },
  };
}
