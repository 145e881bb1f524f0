import { ProblemError } from "@tron-auth/client";
import { type PageConfig, pageConfigSchema } from "@tron-auth/shared/protocol";
import { parseSiwtMessage } from "@tron-auth/shared/siwt";
import * as z from "zod/mini";
import { byId, el, say } from "./dom.ts";
import { explainProblem } from "./explain.ts";
import { auth } from "./session.ts";
import type { ConnectedWallet } from "./wallet/connect.ts";
import { type WalletChoice, walletsFor } from "./wallet/wallets.ts";

const list = byId("wallets");
const countdown = byId("countdown");
const review = byId("review");
const messageBox = byId("message");
const signButton = byId<HTMLButtonElement>("sign");
const cancelButton = byId<HTMLButtonElement>("cancel");
const renewRow = byId("renew-row");
const renewButton = byId<HTMLButtonElement>("renew");

if (auth.session()) location.replace("/account");

/** Without the deployment's settings the page still offers every wallet that needs none. */
const NO_CONFIG: PageConfig = { chainId: null, walletConnect: null };
const EXPIRED = new Set(["nonce_invalid", "siwt_expired"]);
const EXPIRED_TEXT =
  "The sign-in message expired before it was signed. Press Get a new message to sign a fresh one.";

let connected: ConnectedWallet | undefined;
/**
 * The message under review and when it expires by this browser's clock: its lifetime (Expiration
 * Time minus Issued At, both the server's) counted from when it arrived, so a browser clock that
 * is off does not matter.
 */
let pending: { message: string; deadline: number } | undefined;
let holding = false;

const walletButtons = () => [...list.querySelectorAll<HTMLButtonElement>("button[data-wallet]")];

function busy(button: HTMLButtonElement, on: boolean): void {
  button.disabled = on || (holding && button.dataset.wallet !== undefined);
  button.setAttribute("aria-busy", String(on));
}

function fail(error: unknown): void {
  if (error instanceof Error && error.name === "WalletStepError") say("status", error.message);
  else {
    const { text, retryAfter } = explainProblem(error);
    say("status", text);
    if (retryAfter !== undefined) holdOff(retryAfter);
  }
}

/** After a 429 or 503 with Retry-After the wallets wait, counting down, so nobody hammers them. */
function holdOff(seconds: number): void {
  let left = Math.max(1, Math.ceil(seconds));
  holding = true;
  for (const b of walletButtons()) b.disabled = true;
  countdown.hidden = false;
  const tick = () => {
    if (left <= 0) {
      clearInterval(timer);
      holding = false;
      for (const b of walletButtons()) b.disabled = false;
      countdown.hidden = true;
      say("status", "You can try again now.", "info");
      return;
    }
    countdown.textContent = `You can try again in ${left} s.`;
    left--;
  };
  const timer = setInterval(tick, 1000);
  tick();
}

/** A new challenge for the connected wallet, shown for review before anything is signed. */
async function challengeFor(wallet: ConnectedWallet): Promise<void> {
  const { message } = await auth.challenge(wallet.address);
  const arrived = Date.now();
  // The challenge names the network the service signs in on; a wallet elsewhere is told so.
  const { chainId, issuedAt, expirationTime } = parseSiwtMessage(message);
  byId("network").textContent = chainId;
  await wallet.checkNetwork(chainId);
  pending = { message, deadline: arrived + (Date.parse(expirationTime) - Date.parse(issuedAt)) };
  messageBox.textContent = message;
  review.hidden = false;
  say("status", "");
  signButton.focus();
}

async function choose(choice: WalletChoice, button: HTMLButtonElement, config: PageConfig): Promise<void> {
  say("status", "");
  review.hidden = true;
  renewRow.hidden = true;
  busy(button, true);
  try {
    say("status", `Connecting to ${choice.name}…`, "info");
    const { connectWallet } = await import("./wallet/connect.ts");
    connected = await connectWallet(choice, await choice.create(config));
    await challengeFor(connected);
  } catch (error) {
    fail(error);
  } finally {
    busy(button, false);
  }
}

function renderWallets(config: PageConfig): void {
  list.replaceChildren(
    ...walletsFor(config).map((choice) => {
      const button = el("button", choice.name, { type: "button", "data-wallet": choice.id });
      button.disabled = holding;
      button.addEventListener("click", () => void choose(choice, button, config));
      const item = el("li");
      item.append(button);
      return item;
    }),
  );
}

async function loadConfig(): Promise<PageConfig> {
  try {
    const res = await fetch("/v1/pages/config");
    const parsed = z.safeParse(pageConfigSchema, await res.json());
    return parsed.success ? parsed.data : NO_CONFIG;
  } catch {
    return NO_CONFIG;
  }
}

/** The message expired before it was signed: say so, and offer a new one for the same wallet. */
function expired(): void {
  review.hidden = true;
  pending = undefined;
  say("status", EXPIRED_TEXT);
  renewRow.hidden = false;
  renewButton.focus();
}

signButton.addEventListener("click", async () => {
  if (!connected || !pending) return;
  const { message, deadline } = pending;
  // A dead message is not worth a trip to the wallet: the server would refuse it.
  if (Date.now() >= deadline) return expired();
  busy(signButton, true);
  say("status", "Confirm in your wallet…", "info");
  try {
    const signature = await connected.sign(message);
    await auth.login(message, signature);
    location.assign("/account");
  } catch (error) {
    // The server's refusal is generic (login_failed) for an expired message too: the clock says which.
    const code = error instanceof ProblemError ? error.code : "";
    if (EXPIRED.has(code) || (code === "login_failed" && Date.now() >= deadline)) return expired();
    review.hidden = true;
    pending = undefined;
    fail(error);
  } finally {
    busy(signButton, false);
  }
});

renewButton.addEventListener("click", async () => {
  if (!connected) return;
  renewRow.hidden = true;
  busy(renewButton, true);
  try {
    await challengeFor(connected);
  } catch (error) {
    fail(error);
  } finally {
    busy(renewButton, false);
  }
});

cancelButton.addEventListener("click", () => {
  pending = undefined;
  review.hidden = true;
  say("status", "Nothing was signed.", "info");
});

renderWallets(NO_CONFIG);
void loadConfig().then((config) => {
  if (config.walletConnect) renderWallets(config);
});
