import { newWallet } from "@tron-auth/bridge/testing/wallet";
import { createAuthClient, ProblemError, type StoredSession } from "@tron-auth/client";
import { userPageSchema } from "@tron-auth/shared/protocol";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EdgeTestContext, startEdgeTestStack } from "../edge-tests/edge-stack.ts";
import { signerFor } from "../edge-tests/tokens.ts";
import { launchChromium, screenshots, type TestWallet, walletContext } from "./browser.ts";

/**
 * The sign-in page's failure texts, each produced by the real stack rather than a faked answer: a
 * stack of its own with one challenge per client per 4 s window, 30 s challenges (the worker's
 * shortest), and a WalletConnect project id; the bridge stopped for the outage, a user locked
 * through the admin API.
 */
const WINDOW_SECONDS = 4;
const PROJECT_ID = "0123456789abcdef0123456789abcdef";
const CHALLENGE_TTL_SECONDS = 30;
const TRONLINK = '[data-wallet="tronlink"]';

let stack: Awaited<ReturnType<typeof startEdgeTestStack>>;
let ctx: EdgeTestContext;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startEdgeTestStack({
    edgeVars: {
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      RATE_LIMIT_CHALLENGE: "1",
      CHALLENGE_TTL_SECONDS: String(CHALLENGE_TTL_SECONDS),
      WALLETCONNECT_PROJECT_ID: PROJECT_ID,
    },
  });
  ctx = stack.context;
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});
// Every test starts with a fresh challenge window: the previous test's challenge has aged out.
beforeEach(() => new Promise((resolve) => setTimeout(resolve, (WINDOW_SECONDS + 0.5) * 1000)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statusOf = (page: Page) => page.locator("#status").textContent();

const signedBy = new WeakMap<Page, string[]>();

async function open(wallet?: TestWallet): Promise<Page> {
  const { context, signed } = await walletContext(browser, wallet);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${ctx.edgeUrl}/`);
  await page.locator(TRONLINK).waitFor();
  signedBy.set(page, signed);
  return page;
}

/** Signs in from Node with the client library, waiting out this stack's tiny challenge limit. */
async function signInFromNode(wallet: { address: string; privateKey: string }) {
  const client = createAuthClient({ baseUrl: ctx.edgeUrl, locks: null });
  for (let attempt = 0; ; attempt++) {
    try {
      const session: StoredSession = await client.signIn(wallet.address, signerFor(wallet.privateKey));
      return { client, session };
    } catch (error) {
      if (!(error instanceof ProblemError) || error.code !== "rate_limited" || attempt > 5) throw error;
      await sleep(((error.retryAfter ?? WINDOW_SECONDS) + 0.5) * 1000);
    }
  }
}

describe("sign-in page failures, produced by the real stack", () => {
  it("offers WalletConnect when the worker has a project id", async () => {
    const page = await open();
    await page.locator('[data-wallet="walletconnect"]').waitFor();
    expect(await page.locator('[data-wallet="walletconnect"]').textContent()).toBe("WalletConnect");
    // The policy lets the page reach WalletConnect's relay, and still runs no script from elsewhere.
    const csp = (await fetch(`${ctx.edgeUrl}/`)).headers.get("content-security-policy") ?? "";
    expect(csp).toContain("connect-src 'self' https://*.walletconnect.org");
    expect(csp).toContain("script-src 'self';");
  });

  it("rate limited: counts down from Retry-After, then lets the person try again", async () => {
    const wallet = newWallet();
    const page = await open(wallet);
    // Every text the countdown shows, recorded in the page as it changes.
    await page.evaluate(() => {
      const box = document.getElementById("countdown") as HTMLElement;
      const seen: string[] = [];
      (window as unknown as { __countdown: string[] }).__countdown = seen;
      new MutationObserver(() => {
        if (!box.hidden && seen.at(-1) !== box.textContent) seen.push(box.textContent ?? "");
      }).observe(box, { childList: true, characterData: true, subtree: true, attributes: true });
    });
    // Keep this address's challenge window full from outside until the page's own request is
    // refused, so the 429 does not depend on how fast this machine connects the wallet.
    let filling = true;
    let full: () => void = () => undefined;
    const isFull = new Promise<void>((resolve) => {
      full = resolve;
    });
    const filler = (async () => {
      while (filling) {
        const res = await fetch(`${ctx.edgeUrl}/v1/auth/challenge`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ address: wallet.address }),
        });
        if (res.status === 429) full();
        await sleep(100);
      }
    })();
    await isFull;
    const refused = page.waitForResponse((r) => r.url().endsWith("/v1/auth/challenge") && r.status() === 429);
    await page.click(TRONLINK);
    const retryAfter = Number((await refused).headers()["retry-after"]);
    filling = false;
    await filler;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    await expect.poll(() => statusOf(page)).toMatch(/Too many attempts\. Try again in \d+ s\./);
    await page.locator("#countdown").waitFor({ state: "visible" });
    for (const id of ["tronlink", "ledger"])
      expect(await page.locator(`[data-wallet="${id}"]`).isDisabled()).toBe(true);
    await screenshots(page, "signin-rate-limited");
    // It counts down second by second from Retry-After, ends, and the wallets work again.
    await page.locator("#countdown").waitFor({ state: "hidden", timeout: (retryAfter + 5) * 1000 });
    const shown = await page.evaluate(() => (window as unknown as { __countdown: string[] }).__countdown);
    const seconds = shown.map((t) => Number(/in (\d+) s/.exec(t)?.[1]));
    expect(seconds).toEqual(Array.from({ length: retryAfter }, (_, i) => retryAfter - i));
    expect(await page.locator(TRONLINK).isDisabled()).toBe(false);
    expect(await statusOf(page)).toBe("You can try again now.");
    await page.click(TRONLINK);
    await page.locator("#review").waitFor({ state: "visible" });
  });

  it("account locked: says so after the signature, and nothing is stored", async () => {
    const user = newWallet();
    const { session } = await signInFromNode(user);
    const { client: admin } = await signInFromNode(ctx.superAdmin);
    const { users } = await admin.json("/v1/admin/users?limit=200", userPageSchema);
    expect(users.map((u) => u.id)).toContain(session.pair.user.id);
    const locked = await admin.fetch(`/v1/admin/users/${session.pair.user.id}/lock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "web test" }),
    });
    expect(locked.status).toBe(200);
    await sleep((WINDOW_SECONDS + 0.5) * 1000);
    const page = await open(user);
    await page.click(TRONLINK);
    await page.locator("#review").waitFor({ state: "visible" });
    await page.click("#sign");
    await expect
      .poll(() => statusOf(page))
      .toBe("This account is locked. Ask an administrator to unlock it.");
    expect(page.url()).not.toMatch(/\/account$/);
    expect(await page.evaluate(() => localStorage.getItem("tron-auth:session"))).toBeNull();
  });

  it(
    "expired challenge: explains, and one press gets a new message that signs in",
    async () => {
      const wallet = newWallet();
      const page = await open(wallet);
      await page.click(TRONLINK);
      await page.locator("#review").waitFor({ state: "visible" });
      const stale = await page.locator("#message").textContent();
      await sleep((CHALLENGE_TTL_SECONDS + 2) * 1000);
      await page.click("#sign");
      await expect.poll(() => statusOf(page)).toMatch(/expired before it was signed/);
      // The wallet was not asked to sign a message the server would refuse.
      expect(signedBy.get(page)).toEqual([]);
      expect(await page.locator("#review").isVisible()).toBe(false);
      await page.locator("#renew").waitFor({ state: "visible" });
      await page.click("#renew");
      await page.locator("#review").waitFor({ state: "visible" });
      expect(await page.locator("#message").textContent()).not.toBe(stale);
      await page.click("#sign");
      await page.waitForURL("**/account");
      expect(signedBy.get(page)).toHaveLength(1);
    },
    (CHALLENGE_TTL_SECONDS + 30) * 1000,
  );

  it("bridge unavailable: 503 with Retry-After, said with the wait, and the wallets wait too", async () => {
    const page = await open(newWallet());
    await page.click(TRONLINK);
    await page.locator("#review").waitFor({ state: "visible" });
    await stack.bridge.stop();
    try {
      await page.click("#sign");
      await expect
        .poll(() => statusOf(page), { timeout: 20_000 })
        .toMatch(/The sign-in service is unavailable\. Try again in \d+ (s|min)\./);
      await page.locator("#countdown").waitFor({ state: "visible" });
      expect(await page.locator(TRONLINK).isDisabled()).toBe(true);
      await screenshots(page, "signin-unavailable");
    } finally {
      await stack.bridge.start();
    }
  });
});
