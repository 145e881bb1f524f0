import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";

const ROOT = join(import.meta.dirname, "..", "..");

/** Bundles a worker entry the way wrangler would (workerd conditions, ESM), for Miniflare. */
export async function bundleWorker(entry: string, outfile: string): Promise<string> {
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

export function compatibilityDate(): string {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error("compatibility_date not found in wrangler.toml");
  return date;
}

type Bindings = { bindings: Record<string, string>; serviceBindings: Record<string, unknown> };

/**
 * The worker in workerd through Miniflare, with a real mTLS service binding to the bridge
 * (wrangler dev cannot do mTLS locally). Miniflare 5 takes a wrangler-shaped config; the v4
 * option shape (what the vitest pool uses) converts.
 */
export async function startWorker(opts: { scriptPath: string; port: number } & Bindings) {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath: opts.scriptPath,
      modulesRoot: dirname(opts.scriptPath),
      compatibilityDate: compatibilityDate(),
      host: "127.0.0.1",
      port: opts.port,
      bindings: opts.bindings,
      serviceBindings: opts.serviceBindings as never,
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, stop: () => mf.dispose() };
}

export const WORKER_ENTRY = join(ROOT, "worker", "src", "index.ts");
export const CACHE = join(ROOT, ".cache");
