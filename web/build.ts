/**
 * Builds the pages into web/dist (wrangler.toml [assets]): the HTML and CSS as they are, the
 * scripts bundled by esbuild with code splitting, so the wallet adapter and the admin console are
 * separate chunks loaded on demand. Prints the budgets: the sign-in page's first-load JavaScript
 * (its entry and the chunks it imports statically) must stay under 100 KiB gzip.
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

const WEB = import.meta.dirname;
const OUT = join(WEB, "dist");
export const FIRST_LOAD_BUDGET = 100 * 1024;

/** Gzip bytes of an output and everything it imports statically (what the browser fetches at once). */
function firstLoad(meta: Metafile, output: string, seen = new Set<string>()): number {
  if (seen.has(output)) return 0;
  seen.add(output);
  const own = gzipSync(readFileSync(join(WEB, "..", output))).length;
  const imports = meta.outputs[output]?.imports.filter((i) => i.kind === "import-statement") ?? [];
  return own + imports.reduce((sum, i) => sum + firstLoad(meta, i.path, seen), 0);
}

function outputOf(meta: Metafile, entry: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entry);
  if (!found) throw new Error(`no output for ${entry}`);
  return found[0];
}

export async function buildPages(): Promise<{ signinGzip: number; consoleGzip: number; walletGzip: number }> {
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
  const walletChunk = Object.entries(metafile.outputs).find(([, o]) =>
    Object.keys(o.inputs).some((i) => i.includes("tronwallet-adapter-tronlink")),
  )?.[0];
  return {
    signinGzip: firstLoad(metafile, outputOf(metafile, "web/src/signin.ts")),
    consoleGzip: firstLoad(metafile, outputOf(metafile, "web/src/admin/console.ts")),
    walletGzip: walletChunk ? gzipSync(readFileSync(join(WEB, "..", walletChunk))).length : 0,
  };
}

if (import.meta.main) {
  const sizes = await buildPages();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  process.stdout.write(
    `pages built in ${relative(process.cwd(), OUT) || "."}\n` +
      `  sign-in page, first-load JS: ${kib(sizes.signinGzip)} gzip (budget ${kib(FIRST_LOAD_BUDGET)})\n` +
      `  wallet adapter (on demand):  ${kib(sizes.walletGzip)} gzip\n` +
      `  admin console (lazy):        ${kib(sizes.consoleGzip)} gzip\n`,
  );
  if (sizes.signinGzip > FIRST_LOAD_BUDGET) {
    process.stderr.write("the sign-in page is over its JavaScript budget\n");
    process.exit(1);
  }
}
