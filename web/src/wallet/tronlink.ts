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

export const WALLET_MESSAGES: Record<WalletFailure, string> = {
  no_wallet:
    "No TRON wallet found in this browser. Install TronLink (tronlink.org), reload this page, and sign in.",
  locked: "Your wallet is locked or has no account. Unlock it in TronLink and press Sign in again.",
  rejected: "The request was declined in your wallet. Nothing was signed. Press Sign in to try again.",
  wrong_network:
    "Your wallet is on another TRON network. Switch it to the network named below, then try again.",
  failed: "The wallet could not complete the request. Try again, or reload the page.",
};

/** TRON chain ids as TronLink reports them: the last 4 bytes of the genesis block id. */
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
 * TronLink through the TRON wallet adapter, loaded only when the person presses Sign in (it is
 * most of the page's JavaScript otherwise). Errors come back as WalletStepError.
 */
export async function connectTronLink(): Promise<ConnectedWallet> {
  const { TronLinkAdapter } = await import("@tronweb3/tronwallet-adapter-tronlink");
  const adapter = new TronLinkAdapter({ openUrlWhenWalletNotFound: false, checkTimeout: 1500 });
  try {
    await adapter.connect();
  } catch (error) {
    throw classify(error, "locked");
  }
  if (adapter.readyState !== "Found") throw new WalletStepError("no_wallet", WALLET_MESSAGES.no_wallet);
  const address = adapter.address;
  if (!address) throw new WalletStepError("locked", WALLET_MESSAGES.locked);
  return {
    address,
    checkNetwork: async (expected) => {
      let chainId: string;
      try {
        chainId = (await adapter.network()).chainId;
      } catch (error) {
        throw classify(error, "failed");
      }
      if (chainId.toLowerCase() !== chainHex(expected)) {
        throw new WalletStepError("wrong_network", WALLET_MESSAGES.wrong_network);
      }
    },
    sign: async (message) => {
      try {
        return await adapter.signMessage(message);
      } catch (error) {
        throw classify(error, "failed");
      }
    },
  };
}

function classify(error: unknown, fallback: WalletFailure): WalletStepError {
  const name = error instanceof Error ? error.name : "";
  const text = error instanceof Error ? error.message : String(error);
  if (name === "WalletNotFoundError") return new WalletStepError("no_wallet", WALLET_MESSAGES.no_wallet);
  if (/declined|rejected|cancel/i.test(text))
    return new WalletStepError("rejected", WALLET_MESSAGES.rejected);
  if (/locked|no wallet account/i.test(text)) return new WalletStepError("locked", WALLET_MESSAGES.locked);
  return new WalletStepError(fallback, WALLET_MESSAGES[fallback]);
}
