/**
 * Builds the pages into web/dist (wrangler.toml [assets]): the HTML and CSS as they are, the
 * scripts bundled by esbuild with code splitting, so the wallet adapter and the admin console are
 * separate chunks loaded on demand (each wallet adapter its own). Prints the budgets: the sign-in page's first-load JavaScript
 * (its entry and the chunks it imports statically) must stay under 100 KiB gzip.
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

const WEB = import.meta.dirname;
const OUT = join(WEB, "dist");
export const FIRST_LOAD_BUDGET = 100 * 1024;

/** An output and everything it imports statically: what the browser fetches at once for it. */
function closure(meta: Metafile, output: string, seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return seen;
  seen.add(output);
  for (const i of meta.outputs[output]?.imports ?? [])
    if (i.kind === "import-statement") closure(meta, i.path, seen);
  return seen;
}

const gzipOf = (outputs: Iterable<string>) =>
  [...outputs].reduce((sum, o) => sum + gzipSync(readFileSync(join(WEB, "..", o))).length, 0);
const firstLoad = (meta: Metafile, output: string) => gzipOf(closure(meta, output));
/** The URL the page fetches an output at (web/dist is the site's root). */
const urlOf = (output: string) => `/${relative(OUT, join(WEB, "..", output))}`;

/** One wallet adapter's chunk as the sign-in page loads it on demand (see web/src/wallet/wallets.ts). */
export type WalletChunk = { chunk: string; closure: string[]; gzip: number };
const ADAPTER = /node_modules\/@tronweb3\/(tronwallet-adapter-[a-z-]+)\//;

function outputOf(meta: Metafile, entry: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entry);
  if (!found) throw new Error(`no output for ${entry}`);
  return found[0];
}

export type BuiltPages = {
  signinGzip: number;
  consoleGzip: number;
  /** By adapter package name (tronwallet-adapter-tronlink, ...). */
  wallets: Record<string, WalletChunk>;
};

export async function buildPages(): Promise<BuiltPages> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  cpSync(join(WEB, "public"), OUT, { recursive: true, filter: (src) => !src.endsWith("style.css") });
  mkdirSync(join(OUT, "assets"), { recursive: true });
  cpSync(join(WEB, "public", "style.css"), join(OUT, "assets", "style.css"));
  const { metafile } = await build({
    absWorkingDir: join(WEB, ".."),
    entryPoints: ["web/src/signin.ts", "web/src/account.ts", "web/src/admin/console.ts"],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    outdir: "web/dist/assets",
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    metafile: true,
    logLevel: "warning",
  });
  const wallets: Record<string, WalletChunk> = {};
  for (const [output, o] of Object.entries(metafile.outputs)) {
    const name = ADAPTER.exec(o.entryPoint ?? "")?.[1];
    if (!name) continue;
    const all = closure(metafile, output);
    wallets[name] = { chunk: urlOf(output), closure: [...all].map(urlOf), gzip: gzipOf(all) };
  }
  return {
    signinGzip: firstLoad(metafile, outputOf(metafile, "web/src/signin.ts")),
    consoleGzip: firstLoad(metafile, outputOf(metafile, "web/src/admin/console.ts")),
    wallets,
  };
}

if (import.meta.main) {
  const sizes = await buildPages();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  process.stdout.write(
    `pages built in ${relative(process.cwd(), OUT) || "."}\n` +
      `  sign-in page, first-load JS: ${kib(sizes.signinGzip)} gzip (budget ${kib(FIRST_LOAD_BUDGET)})\n` +
      `  admin console (lazy):        ${kib(sizes.consoleGzip)} gzip\n` +
      "  wallet adapters (each on demand, with what it imports):\n" +
      Object.entries(sizes.wallets)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, w]) => `    ${name.replace("tronwallet-adapter-", "").padEnd(24)} ${kib(w.gzip)} gzip\n`)
        .join(""),
  );
  if (sizes.signinGzip > FIRST_LOAD_BUDGET) {
    process.stderr.write("the sign-in page is over its JavaScript budget\n");
    process.exit(1);
  }
}
