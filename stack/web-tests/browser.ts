import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { TronWeb } from "tronweb";

const ROOT = join(import.meta.dirname, "..", "..");
export const ARTIFACTS = join(ROOT, ".cache", "web-tests");
const tronWeb = new TronWeb({ fullHost: "http://127.0.0.1:9" }); // signing is offline

/** Debian's chromium (scripts/toolchain.sh installs it for npm test); CHROMIUM_PATH to use another. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

/** How the injected wallet behaves: a person who approves, declines, or has it locked. */
export type WalletMode = "approve" | "reject" | "locked";
export type TestWallet = { address: string; privateKey: string; mode?: WalletMode; chainHex?: string };

/**
 * What TronLink injects into a page (window.tronLink with ready, request and tronWeb;
 * window.tronWeb with defaultAddress and trx.signMessageV2 / getBlockByNumber), so the unmodified
 * TRON wallet adapter finds and drives it. Runs in the page, before the page's own scripts.
 */
function injectWallet(w: { address: string; hex: string; mode: WalletMode; chainHex: string }): void {
  type Win = Window & {
    tronLink?: unknown;
    tronWeb?: unknown;
    __testWalletSign?: (message: string) => Promise<string>;
  };
  const win = window as Win;
  const tronWeb = {
    ready: w.mode !== "locked",
    defaultAddress: { base58: w.mode === "locked" ? false : w.address, hex: w.hex },
    fullNode: { host: "https://nile.trongrid.io" },
    solidityNode: { host: "https://nile.trongrid.io" },
    eventServer: { host: "https://nile.trongrid.io" },
    trx: {
      // The genesis block id ends with the chain id, which is how the adapter reads the network.
      getBlockByNumber: async () => ({ blockID: `${"0".repeat(56)}${w.chainHex.slice(2)}` }),
      signMessageV2: async (message: string) => {
        if (w.mode === "reject") throw new Error("Confirmation declined by user");
        const sign = win.__testWalletSign;
        if (!sign) throw new Error("test wallet not wired");
        return sign(message);
      },
    },
  };
  win.tronWeb = tronWeb;
  win.tronLink = {
    ready: w.mode !== "locked",
    tronWeb,
    // TronLink answers '' while locked, and {code: 200} once the person approved the connection.
    request: async ({ method }: { method: string }) =>
      method === "tron_requestAccounts"
        ? w.mode === "locked"
          ? ""
          : { code: 200, message: "ok" }
        : undefined,
  };
}

/**
 * A browser profile (its own storage) with the test wallet injected into every page of it;
 * `signed` lists every message the wallet signed (kept here, since pages navigate away).
 */
export async function walletContext(
  browser: Browser,
  wallet?: TestWallet,
): Promise<{ context: BrowserContext; signed: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const signed: string[] = [];
  if (wallet) {
    await context.exposeFunction("__testWalletSign", (message: string) => {
      signed.push(message);
      return tronWeb.trx.signMessageV2(message, wallet.privateKey);
    });
    await context.addInitScript(injectWallet, {
      address: wallet.address,
      hex: TronWeb.address.toHex(wallet.address),
      mode: wallet.mode ?? "approve",
      chainHex: wallet.chainHex ?? "0xcd8690dc",
    });
  }
  return { context, signed };
}

/** Desktop and phone screenshots of the page as it is now, under .cache/web-tests. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const files: string[] = [];
  for (const [label, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    const file = join(ARTIFACTS, `${name}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize(size);
  return files;
}
