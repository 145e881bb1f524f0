/**
 * `npm run build -w bridge`: the daemon as plain JavaScript, what the image runs. Type stripping
 * costs ~15 MB of resident memory and start-up time on every boot of a Pi; compiling once in the
 * image build does not. Our code and shared/ are bundled (shared/ ships TypeScript sources);
 * npm packages stay external, installed beside the bundle as today. Code splitting keeps
 * dynamically imported parts (the wallet stack with tronweb and the Ledger libraries) in their
 * own chunks, loaded only when a wallet is configured.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const BRIDGE = import.meta.dirname;

/** The compiled entry points, relative to the repository root: what the Dockerfile runs. */
export const COMPILED = {
  daemon: "bridge/dist/daemon/main.js",
  healthcheck: "bridge/dist/daemon/healthcheck.js",
  auditVerify: "bridge/dist/daemon/audit-verify.js",
};

/** Every npm package the bridge or shared/ depends on: resolved from node_modules at run time. */
function externalPackages(): string[] {
  const manifests = [join(BRIDGE, "package.json"), join(BRIDGE, "..", "shared", "package.json")];
  const names = manifests.flatMap((path) => {
    const pkg = JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, string> | undefined>;
    return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
  });
  return [...new Set(names)].filter((name) => !name.startsWith("@tron-auth/"));
}

/** Compiles src/main.ts, src/healthcheck.ts and src/audit-verify.ts into `outdir` (default bridge/dist/daemon). */
export async function buildDaemon(outdir = join(BRIDGE, "dist", "daemon")): Promise<string[]> {
  const result = await build({
    entryPoints: [
      join(BRIDGE, "src", "main.ts"),
      join(BRIDGE, "src", "healthcheck.ts"),
      join(BRIDGE, "src", "audit-verify.ts"),
    ],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external: externalPackages(),
    metafile: true,
    logLevel: "warning",
  });
  return Object.keys(result.metafile.outputs).map((file) => relative(outdir, file));
}

if (import.meta.main) {
  const files = await buildDaemon();
  process.stdout.write(`built ${files.filter((f) => f.endsWith(".js")).join(", ")}\n`);
}
