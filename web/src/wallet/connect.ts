import type { WalletAdapter, WalletChoice } from "./wallets.ts";

/** Why the wallet step failed, each with what the person can do about it. */
export type WalletFailure = "no_wallet" | "locked" | "rejected" | "wrong_network" | "failed";

export class WalletStepError extends Error {
  override readonly name = "WalletStepError";
  readonly reason: WalletFailure;
  constructor(reason: WalletFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export function walletMessage(reason: WalletFailure, wallet: Pick<WalletChoice, "name" | "site">): string {
  switch (reason) {
    case "no_wallet":
      return `No TRON wallet found: ${wallet.name} is not in this browser. Install it (${wallet.site}), reload this page and sign in, or choose another wallet.`;
    case "locked":
      return `Your wallet is locked or has no account. Unlock it in ${wallet.name} and choose it again.`;
    case "rejected":
      return "The request was declined in your wallet. Nothing was signed. Choose your wallet to try again.";
    case "wrong_network":
      return "Your wallet is on another TRON network. Switch it to the network named below, then try again.";
    case "failed":
      return "The wallet could not complete the request. Try again, or reload the page.";
  }
}

/** TRON chain ids as wallets report them: the last 4 bytes of the genesis block id. */
export function chainHex(chainId: string): string {
  const decimal = chainId.replace(/^tron:/, "");
  return `0x${Number(decimal).toString(16).padStart(8, "0")}`;
}

export type ConnectedWallet = {
  address: string;
  /** Refuses (wrong_network) unless the wallet is on `chainId` (CAIP-2, tron:<decimal>). */
  checkNetwork(chainId: string): Promise<void>;
  sign(message: string): Promise<string>;
};

/**
 * Connects the chosen wallet through its TRON wallet adapter (already loaded: see wallets.ts).
 * Every adapter speaks the same interface; its errors come back as WalletStepError.
 */
export async function connectWallet(choice: WalletChoice, adapter: WalletAdapter): Promise<ConnectedWallet> {
  const fail = (error: unknown, fallback: WalletFailure) => classify(error, fallback, choice);
  try {
    await adapter.connect();
  } catch (error) {
    throw fail(error, "locked");
  }
  if (adapter.readyState === "NotFound")
    throw new WalletStepError("no_wallet", walletMessage("no_wallet", choice));
  const address = adapter.address;
  if (!address) throw new WalletStepError("locked", walletMessage("locked", choice));
  return {
    address,
    checkNetwork: async (expected) => {
      // The message names its chain, and the signature covers it: a wallet that cannot say its
      // network (a Ledger) signs for the chain the message names, so nothing is checked here.
      if (!choice.reportsNetwork || !adapter.network) return;
      let chainId: string;
      try {
        chainId = (await adapter.network()).chainId;
      } catch (error) {
        throw fail(error, "failed");
      }
      if (chainId.toLowerCase() !== chainHex(expected))
        throw new WalletStepError("wrong_network", walletMessage("wrong_network", choice));
    },
    sign: async (message) => {
      try {
        return await adapter.signMessage(message);
      } catch (error) {
        throw fail(error, "failed");
      }
    },
  };
}

function classify(error: unknown, fallback: WalletFailure, choice: WalletChoice): WalletStepError {
  const name = error instanceof Error ? error.name : "";
  const text = error instanceof Error ? error.message : String(error);
  const step = (reason: WalletFailure) => new WalletStepError(reason, walletMessage(reason, choice));
  if (name === "WalletNotFoundError") return step("no_wallet");
  if (/declined|rejected|cancel/i.test(text)) return step("rejected");
  if (/locked|no wallet account/i.test(text)) return step("locked");
  return step(fallback);
}
