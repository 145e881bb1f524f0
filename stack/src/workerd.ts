import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import type { WorkerBindings } from "./worker-bindings.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const WRANGLER_TOML = readFileSync(join(ROOT, "wrangler.toml"), "utf8");

function wranglerSetting(name: string): string {
  const value = new RegExp(`^${name}\\s*=\\s*"([^"]+)"`, "m").exec(WRANGLER_TOML)?.[1];
  if (!value) throw new Error(`${name} not found in wrangler.toml`);
  return value;
}

/** The worker's entry as wrangler deploys it (wrangler.toml `main`). */
export const WORKER_ENTRY = join(ROOT, wranglerSetting("main"));

/** Bundles a worker entry the way wrangler would (workerd conditions, ESM), for Miniflare. */
async function bundleWorker(entry: string): Promise<string> {
  const outfile = join(ROOT, ".cache", "workerd", `${basename(entry, ".ts")}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

export type WorkerdHandle = { url: string; stop(): Promise<void> };

/**
 * A worker entry in workerd through Miniflare, with a real mTLS service binding to the bridge
 * (wrangler dev cannot do mTLS locally). Miniflare 5 takes a wrangler-shaped config; the v4
 * option shape (what the vitest pool uses) converts.
 */
export async function startWorkerd(
  opts: {
    entry: string;
    port: number;
    assets?: string | undefined;
    inspectorPort?: number | undefined;
  } & WorkerBindings,
): Promise<WorkerdHandle> {
  const scriptPath = await bundleWorker(opts.entry);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath,
      modulesRoot: dirname(scriptPath),
      compatibilityDate: wranglerSetting("compatibility_date"),
      host: "127.0.0.1",
      port: opts.port,
      // The soak reads the worker's own heap through it (workerd's RSS holds the local runtime too).
      ...(opts.inspectorPort === undefined ? {} : { inspectorPort: opts.inspectorPort }),
      bindings: opts.bindings,
      serviceBindings: opts.serviceBindings as never,
      // The pages, as wrangler.toml's [assets] serves them: the worker runs first (it adds the
      // security headers) and hands what no route matches to the ASSETS binding.
      ...(opts.assets
        ? {
            assets: {
              directory: opts.assets,
              binding: "ASSETS",
              routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true },
            },
          }
        : {}),
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, stop: () => mf.dispose() };
}
