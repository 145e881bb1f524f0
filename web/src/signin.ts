import { parseSiwtMessage } from "@tron-auth/shared/siwt";
import { byId, say } from "./dom.ts";
import { explainProblem } from "./explain.ts";
import { auth } from "./session.ts";
import type { ConnectedWallet } from "./wallet/tronlink.ts";

const start = byId<HTMLButtonElement>("connect");
const review = byId("review");
const messageBox = byId("message");
const signButton = byId<HTMLButtonElement>("sign");
const cancelButton = byId<HTMLButtonElement>("cancel");

if (auth.session()) location.replace("/account");

let pending: { wallet: ConnectedWallet; message: string } | undefined;

function busy(button: HTMLButtonElement, on: boolean): void {
  button.disabled = on;
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

/** After a 429 or 503 with Retry-After the button waits, counting down, so nobody hammers it. */
function holdOff(seconds: number): void {
  let left = seconds;
  start.disabled = true;
  const tick = () => {
    start.textContent = left > 0 ? `Sign in (wait ${left} s)` : "Sign in with TronLink";
    if (left-- <= 0) {
      clearInterval(timer);
      start.disabled = false;
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
}

start.addEventListener("click", async () => {
  say("status", "");
  busy(start, true);
  try {
    const { connectTronLink } = await import("./wallet/tronlink.ts");
    say("status", "Connecting to your wallet…", "info");
    const wallet = await connectTronLink();
    const { message } = await auth.challenge(wallet.address);
    // The challenge names the network the service signs in on; a wallet elsewhere is told so.
    const { chainId } = parseSiwtMessage(message);
    byId("network").textContent = chainId;
    await wallet.checkNetwork(chainId);
    pending = { wallet, message };
    messageBox.textContent = message;
    review.hidden = false;
    say("status", "");
    signButton.focus();
  } catch (error) {
    fail(error);
  } finally {
    busy(start, false);
  }
});

signButton.addEventListener("click", async () => {
  if (!pending) return;
  const { wallet, message } = pending;
  busy(signButton, true);
  say("status", "Confirm in your wallet…", "info");
  try {
    const signature = await wallet.sign(message);
    await auth.login(message, signature);
    location.assign("/account");
  } catch (error) {
    review.hidden = true;
    pending = undefined;
    fail(error);
  } finally {
    busy(signButton, false);
  }
});

cancelButton.addEventListener("click", () => {
  pending = undefined;
  review.hidden = true;
  say("status", "Nothing was signed.", "info");
});
