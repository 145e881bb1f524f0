import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { newWallet, type Wallet } from "@tron-auth/bridge/testing/wallet";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expiredTwin } from "../edge-tests/tokens.ts";
import { launchChromium, screenshots, type TestWallet, walletContext } from "./browser.ts";

const ctx = inject("edgeTestContext");
const ROOT = join(import.meta.dirname, "..", "..");
const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
const SESSION_KEY = "tron-auth:session";
const TRONLINK = '[data-wallet="tronlink"]';
const chunkRequests = (page: Page): string[] => {
  const seen: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/assets/chunks/")) seen.push(path);
  });
  return seen;
};

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

async function open(wallet?: TestWallet): Promise<{ context: BrowserContext; page: Page; signed: string[] }> {
  const { context, signed } = await walletContext(browser, wallet);
  contexts.push(context);
  const page = await context.newPage();
  if (process.env.DEBUG_PAGES) {
    page.on("console", (m) => console.log("console:", m.text()));
    page.on("pageerror", (e) => console.log("pageerror:", e.message));
  }
  await page.goto(`${ctx.edgeUrl}/`);
  return { context, page, signed };
}

/** The whole flow as a person does it: choose TronLink, read the message, sign, land on the account page. */
async function signIn(page: Page, wallet: Wallet): Promise<string> {
  await page.click(TRONLINK);
  await page.locator("#review").waitFor({ state: "visible" });
  const shown = await page.locator("#message").textContent();
  expect(shown).toContain(wallet.address);
  expect(shown).toContain("Chain ID: tron:3448148188");
  await page.click("#sign");
  await page.waitForURL("**/account", { timeout: 8_000 }).catch(async (e) => {
    throw new Error(`no account page; status: ${await statusOf(page)}`, { cause: e });
  });
  await expect.poll(() => page.locator("#address").textContent()).toBe(wallet.address);
  return shown ?? "";
}

const statusOf = (page: Page) => page.locator("#status").textContent();

/** Replaces the stored access token by its expired twin, as the tab holds it after the TTL passed. */
async function expireStoredToken(page: Page): Promise<string> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY);
  const session = JSON.parse(raw ?? "{}") as { pair: { accessToken: string; refreshToken: string } };
  session.pair.accessToken = await expiredTwin(session.pair.accessToken, ctx);
  await page.evaluate(
    ([key, value]) => localStorage.setItem(key as string, value as string),
    [SESSION_KEY, JSON.stringify({ ...session, accessExpiresAt: Date.now() + 600_000 })],
  );
  return session.pair.refreshToken;
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const results = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }
    ).axe;
    return (await axe.run()).violations.map((v) => `${v.impact}: ${v.id}`);
  });
  return results.filter((v) => v.startsWith("serious") || v.startsWith("critical"));
}

/** Another tab of the same browser, on the account page, once it shows the signed-in account. */
async function secondTab(context: BrowserContext, wallet: { address: string }): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(`${ctx.edgeUrl}/account`);
  await expect.poll(() => tab.locator("#address").textContent()).toBe(wallet.address);
  return tab;
}

/**
 * Calls the edge from inside the page as the page's client does: the stored access token with a
 * DPoP proof signed by the session's key, taken from IndexedDB where the client keeps it
 * (non-extractable: usable by the page, never readable). `proof: false` sends the token alone.
 */
function callFromPage(
  page: Page,
  path: string,
  init: { method?: string; body?: unknown; scheme?: "DPoP" | "Bearer"; proof?: boolean } = {},
): Promise<[number, string | undefined]> {
  return page.evaluate(
    async ([key, path, init]) => {
      type Key = { alg: string; privateKey: CryptoKey; publicJwk: JsonWebKey };
      const {
        method = "GET",
        body,
        scheme = "DPoP",
        proof = true,
      } = init as {
        method?: string;
        body?: unknown;
        scheme?: string;
        proof?: boolean;
      };
      const session = JSON.parse(localStorage.getItem(key as string) ?? "{}");
      const token: string = session.pair.accessToken;
      const b64 = (bytes: ArrayBuffer | Uint8Array) =>
        btoa(String.fromCharCode(...new Uint8Array(bytes)))
          .replace(/\+/g, "-")
          .replace(/\//g, "_")
          .replace(/=+$/, "");
      const text = (value: unknown) => b64(new TextEncoder().encode(JSON.stringify(value)));
      const dpopKey = await new Promise<Key>((resolve, reject) => {
        const open = indexedDB.open("tron-auth:dpop");
        open.onsuccess = () => {
          const get = open.result.transaction("keys").objectStore("keys").get(session.jkt);
          get.onsuccess = () => resolve(get.result as Key);
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      });
      const url = new URL(path as string, location.href);
      const claims = {
        jti: crypto.randomUUID(),
        htm: method,
        htu: `${url.origin}${url.pathname}`,
        iat: Math.floor(Date.now() / 1000),
        ath: b64(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))),
      };
      const input = `${text({ typ: "dpop+jwt", alg: dpopKey.alg, jwk: dpopKey.publicJwk })}.${text(claims)}`;
      const algorithm = dpopKey.alg === "EdDSA" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
      const signature = await crypto.subtle.sign(
        algorithm,
        dpopKey.privateKey,
        new TextEncoder().encode(input),
      );
      const headers: Record<string, string> = {
        authorization: `${scheme} ${token}`,
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
        ...(proof ? { DPoP: `${input}.${b64(signature)}` } : {}),
      };
      const res = await fetch(path as string, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return [res.status, res.ok ? undefined : (await res.json()).code] as [number, string | undefined];
    },
    [SESSION_KEY, path, init] as const,
  );
}

/** Asks the wallet API to sign, from the page with its own token and key. */
const signFromPage = (page: Page, message: string) =>
  callFromPage(page, "/v1/wallet/sign-message", { method: "POST", body: { message } });

/** A new user's page and the SUPER_ADMIN's, both signed in. */
async function userAndAdmin(): Promise<{ user: Wallet; userPage: Page; admin: Page }> {
  const user = newWallet();
  const { page: userPage } = await open(user);
  await signIn(userPage, user);
  const { page: admin } = await open(ctx.superAdmin);
  await signIn(admin, ctx.superAdmin);
  return { user, userPage, admin };
}

/** Finds the user in the admin's console. */
async function findInConsole(admin: Page, address: string): Promise<void> {
  await admin.fill("#find-address", address);
  await admin.click("#admin button[type=submit]");
  await admin.locator(`[data-user="${address}"]`).waitFor();
}

/** Gives the user found in the console `role`. */
async function giveRole(admin: Page, role: string): Promise<void> {
  await admin.selectOption("#role-select", role);
  await admin.click("#set-role");
  await expect.poll(() => admin.locator("#admin .status").textContent()).toMatch(new RegExp(`: ${role}$`));
}

describe("sign-in page", () => {
  it("signs in with the wallet, shows the exact message first, and lands on the account page", async () => {
    const wallet = newWallet();
    const { page, signed } = await open(wallet);
    await screenshots(page, "signin");
    expect(await axeViolations(page)).toEqual([]);
    const shown = await signIn(page, wallet);
    expect(await page.locator("#roles").textContent()).toBe("USER");
    expect(await page.locator("#permissions li").allTextContents()).toContain("profile:read");
    await expect.poll(() => page.locator("#sessions tr").count()).toBe(1);
    // The wallet signed once, and exactly the message the page showed.
    expect(signed).toEqual([shown]);
    await screenshots(page, "account");
    expect(await axeViolations(page)).toEqual([]);
  });

  it("offers the wallets that need no service, loads only the chosen one's adapter, and no WalletConnect without a project id", async () => {
    const { page } = await open();
    await page.locator('[data-wallet="ledger"]').waitFor();
    const config = await page.evaluate(async () => (await fetch("/v1/pages/config")).json());
    expect(config).toEqual({ chainId: "tron:3448148188", walletConnect: null });
    const csp = (await fetch(`${ctx.edgeUrl}/`)).headers.get("content-security-policy") ?? "";
    expect(csp).not.toContain("walletconnect");
    expect(
      await page.locator("[data-wallet]").evaluateAll((bs) => bs.map((b) => b.getAttribute("data-wallet"))),
    ).toEqual([
      "tronlink",
      "tokenpocket",
      "bitget",
      "okx",
      "imtoken",
      "trust",
      "gate",
      "foxwallet",
      "bybit",
      "ledger",
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the config arrived: still no WalletConnect
    expect(await page.locator('[data-wallet="walletconnect"]').count()).toBe(0);
    const chunks = ctx.walletChunks;
    const entries = Object.values(chunks).map((w) => w.chunk);
    // Before a choice, no adapter has been fetched.
    const seen = chunkRequests(page);
    expect(entries.filter((c) => seen.includes(c))).toEqual([]);
    await page.click('[data-wallet="tokenpocket"]');
    await expect
      .poll(() => statusOf(page), { timeout: 10_000 })
      .toMatch(/TokenPocket is not in this browser/);
    const chosen = chunks["tronwallet-adapter-tokenpocket"];
    expect(seen).toContain(chosen?.chunk);
    // Every other adapter's chunk stayed on the server, unless the chosen one is built on it.
    const others = entries.filter((c) => c !== chosen?.chunk && !chosen?.closure.includes(c));
    expect(others.filter((c) => seen.includes(c))).toEqual([]);
    expect(others).toContain(chunks["tronwallet-adapter-ledger"]?.chunk);
  });

  it("says so when the person declines in the wallet, and nothing is signed in", async () => {
    const { page } = await open({ ...newWallet(), mode: "reject" });
    await page.click(TRONLINK);
    await page.locator("#review").waitFor({ state: "visible" });
    await page.click("#sign");
    await expect.poll(() => statusOf(page)).toMatch(/declined in your wallet/);
    expect(page.url()).not.toMatch(/\/account$/);
    expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBeNull();
  });

  it("tells a person without a wallet to install one", async () => {
    const { page } = await open();
    await page.click(TRONLINK);
    await expect.poll(() => statusOf(page), { timeout: 10_000 }).toMatch(/No TRON wallet found/);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("tells a person whose wallet is locked to unlock it", async () => {
    const { page } = await open({ ...newWallet(), mode: "locked" });
    await page.click(TRONLINK);
    await expect.poll(() => statusOf(page)).toMatch(/wallet is locked/);
  });

  it("refuses a wallet on another network before anything is signed", async () => {
    const { page } = await open({ ...newWallet(), chainHex: "0x2b6653dc" });
    await page.click(TRONLINK);
    await expect.poll(() => statusOf(page)).toMatch(/another TRON network/);
    expect(await page.locator("#review").isVisible()).toBe(false);
  });
});

describe("account page", () => {
  it("holds a DPoP-bound session by default: the stored token alone is refused, the key cannot be read", async () => {
    const wallet = newWallet();
    const { page } = await open(wallet);
    await signIn(page, wallet);
    const session = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "{}"), SESSION_KEY);
    expect(session.pair.tokenType).toBe("DPoP");
    expect(session.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // What a thief who copied localStorage holds: the token, without the key.
    expect(await callFromPage(page, "/v1/me", { scheme: "Bearer", proof: false })).toEqual([
      401,
      "invalid_token",
    ]);
    expect(await callFromPage(page, "/v1/me", { proof: false })).toEqual([401, "invalid_dpop_proof"]);
    // With the session's key (as the page's client signs): accepted.
    expect(await callFromPage(page, "/v1/me")).toEqual([200, undefined]);
    const exported = await page.evaluate(
      (jkt) =>
        new Promise<string>((resolve) => {
          const open = indexedDB.open("tron-auth:dpop");
          open.onsuccess = () => {
            const get = open.result.transaction("keys").objectStore("keys").get(jkt);
            get.onsuccess = () =>
              crypto.subtle.exportKey("jwk", get.result.privateKey).then(
                () => resolve("exported"),
                (e: Error) => resolve(e.name),
              );
          };
        }),
      session.jkt,
    );
    expect(exported).toBe("InvalidAccessError");
  });

  it("refreshes an expired token without the person noticing", async () => {
    const wallet = newWallet();
    const { page } = await open(wallet);
    await signIn(page, wallet);
    const before = await expireStoredToken(page);
    await page.click("#reload");
    await expect
      .poll(() =>
        page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "{}").pair?.refreshToken, SESSION_KEY),
      )
      .not.toBe(before);
    expect(await page.locator("#status").isVisible()).toBe(false);
    expect(page.url()).toMatch(/\/account$/);
    expect(await page.locator("#address").textContent()).toBe(wallet.address);
  });

  it("two tabs refreshing at the same moment send one refresh, and the session survives", async () => {
    const wallet = newWallet();
    const { context, page: first } = await open(wallet);
    await signIn(first, wallet);
    const second = await secondTab(context, wallet);
    const refreshes: string[] = [];
    context.on("request", (r) => {
      if (r.url().endsWith("/v1/auth/refresh")) refreshes.push(r.url());
    });
    await expireStoredToken(first);
    await Promise.all([first.click("#reload"), second.click("#reload")]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(refreshes).toHaveLength(1);
    for (const tab of [first, second]) {
      expect(tab.url()).toMatch(/\/account$/);
      expect(await tab.locator("#address").textContent()).toBe(wallet.address);
    }
    // The session is alive: a reload in either tab still reads the account.
    await second.reload();
    await expect.poll(() => second.locator("#roles").textContent()).toBe("USER");
  });

  it("a session revoked from another browser signs this one out", async () => {
    const wallet = newWallet();
    const { page: phone } = await open(wallet);
    await signIn(phone, wallet);
    const { page: laptop } = await open(wallet);
    await signIn(laptop, wallet);
    await expect.poll(() => laptop.locator("#sessions button").count()).toBe(1);
    await laptop.click("#sessions button");
    await expect.poll(() => laptop.locator("#sessions tr").count()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // SESSION_CACHE_MS
    await phone.click("#reload");
    await phone.waitForURL(/\/\?ended=/);
    expect(await phone.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBeNull();
  });

  it("sign out in one tab signs out the other tabs", async () => {
    const wallet = newWallet();
    const { context, page: first } = await open(wallet);
    await signIn(first, wallet);
    const second = await secondTab(context, wallet);
    await first.click("#signout");
    await second.waitForURL(/\/\?ended=/);
  });
});

describe("admin console", () => {
  it("is absent for a USER: the console's code is never downloaded", async () => {
    const wallet = newWallet();
    const { page } = await open(wallet);
    const scripts: string[] = [];
    page.on("request", (r) => scripts.push(r.url()));
    await signIn(page, wallet);
    await expect.poll(() => page.locator("#roles").textContent()).toBe("USER");
    expect(await page.locator("#admin").isVisible()).toBe(false);
    expect(scripts.filter((u) => u.includes("console"))).toEqual([]);
  });

  it("lets the SUPER_ADMIN change a user's role, which that user's open page shows on its next request", async () => {
    const { user, userPage, admin } = await userAndAdmin();
    await admin.locator("#admin").waitFor({ state: "visible" });
    await findInConsole(admin, user.address);
    // The grant rules decide what the console offers: never SUPER_ADMIN (it comes from config only).
    expect(await admin.locator("#role-select option").allTextContents()).toEqual([
      "USER",
      "NODE_OPERATOR",
      "ADMIN",
    ]);
    await giveRole(admin, "NODE_OPERATOR");
    await userPage.click("#reload");
    await expect.poll(() => userPage.locator("#roles").textContent()).toBe("NODE_OPERATOR");
  });

  it("shows the audit log with filters and paging, and the wallet with its policy and recent signatures", async () => {
    const { user, admin } = await userAndAdmin();
    // Signatures, so the wallet view has one to show and the audit log more than a page of this
    // admin's events (each signature is a request and an approval, recorded at the bridge).
    for (let i = 0; i < 13; i++)
      expect(await signFromPage(admin, `console screenshot ${i}`)).toEqual([200, undefined]);
    await admin.locator("#audit").waitFor({ state: "visible" });
    // By user (an address) and type: the user's one sign-in.
    await admin.fill("#audit-user", user.address);
    await admin.selectOption("#audit-type", "login_success");
    await admin.click("#audit-search");
    await expect.poll(() => admin.locator("#audit-table tbody tr").count()).toBe(1);
    expect(await admin.locator("#audit-table tbody tr td").nth(1).textContent()).toBe("login_success");
    // A time range that ended before anything happened finds nothing, and says so.
    await admin.fill("#audit-to", "2020-01-01T00:00");
    await admin.click("#audit-search");
    await admin.locator("#audit-empty").waitFor({ state: "visible" });
    expect(await admin.locator("#audit-table tbody tr").count()).toBe(0);
    // Paging: this admin's events, 25 a page; "Older events" appends the next page.
    await admin.fill("#audit-user", ctx.superAdmin.address);
    await admin.fill("#audit-to", "");
    await admin.selectOption("#audit-type", "");
    await admin.click("#audit-search");
    await expect.poll(() => admin.locator("#audit-table tbody tr").count()).toBe(25);
    await admin.locator("#audit-more").waitFor({ state: "visible" });
    const firstPage = await admin
      .locator("#audit-table tbody tr")
      .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-event")));
    await admin.click("#audit-more");
    await expect.poll(() => admin.locator("#audit-table tbody tr").count()).toBeGreaterThan(25);
    const both = await admin
      .locator("#audit-table tbody tr")
      .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-event")));
    expect(both.slice(0, 25)).toEqual(firstPage);
    expect(new Set(both).size).toBe(both.length);
    // The wallet: the device, its policy, and the signature just made, decoded.
    await expect.poll(() => admin.locator("#wallet-status").textContent()).toMatch(/software-ledger: ready/);
    expect(await admin.locator("#wallet-policy").textContent()).toMatch(/TransferContract/);
    await admin.click("#wallet-refresh");
    await expect
      .poll(() => admin.locator("#wallet-signatures").textContent())
      .toMatch(/sign message: console screenshot 12/);
    // The screenshot with a short audit page: the user's sign-in.
    await admin.fill("#audit-user", user.address);
    await admin.selectOption("#audit-type", "login_success");
    await admin.click("#audit-search");
    await expect.poll(() => admin.locator("#audit-table tbody tr").count()).toBe(1);
    await screenshots(admin, "admin");
    expect(await axeViolations(admin)).toEqual([]);
  });

  it("shows an ADMIN the audit log and the wallet, but no lockdown switch", async () => {
    const { user: wallet, userPage: page, admin: sa } = await userAndAdmin();
    await findInConsole(sa, wallet.address);
    await giveRole(sa, "ADMIN");
    await page.click("#reload");
    await page.locator("#admin").waitFor({ state: "visible" });
    await page.locator("#audit").waitFor({ state: "visible" });
    await page.locator("#wallet").waitFor({ state: "visible" });
    expect(await page.locator("#lockdown-engage").count()).toBe(0);
  });

  it("engages a lockdown after a confirmation, shows the banner, and signing stops until it is lifted", async () => {
    const { page: admin } = await open(ctx.superAdmin);
    await signIn(admin, ctx.superAdmin);
    await admin.locator("#lockdown-engage").waitFor({ state: "visible" });
    let dismissed = false;
    admin.once("dialog", (d) => {
      dismissed = true;
      void d.dismiss();
    });
    await admin.click("#lockdown-engage");
    await expect.poll(() => dismissed).toBe(true);
    expect(await admin.locator("#lockdown-banner").isVisible()).toBe(false);
    admin.once("dialog", (d) => void d.accept());
    await admin.click("#lockdown-engage");
    await admin.locator("#lockdown-banner").waitFor({ state: "visible" });
    const signing = await signFromPage(admin, "during lockdown");
    expect(signing).toEqual([423, "signing_frozen"]);
    await admin.click("#lockdown-lift");
    await admin.locator("#lockdown-banner").waitFor({ state: "hidden" });
  });
});

afterAll(() => {
  // Screenshots for the README: refreshed when asked (addresses differ on every run).
  if (!process.env.UPDATE_DOCS_SCREENSHOTS) return;
  mkdirSync(join(ROOT, "docs"), { recursive: true });
  for (const name of [
    "signin-desktop",
    "signin-phone",
    "account-desktop",
    "account-phone",
    "admin-desktop",
  ]) {
    copyFileSync(join(ROOT, ".cache", "web-tests", `${name}.png`), join(ROOT, "docs", `${name}.png`));
  }
});
