import type { PageConfig } from "@tron-auth/shared/protocol";

/**
 * The wallets the sign-in page offers. Each adapter is imported only when a person chooses it (a
 * chunk of its own: the page's first load carries none of them). All of them work without any
 * service of ours or theirs, except WalletConnect, which needs a project id (GET /v1/pages/config).
 */
/**
 * What the page uses of a TRON wallet adapter, structurally: the adapters share this interface,
 * but not one version of its package (the Ledger adapter pins an older one).
 */
export type WalletAdapter = {
  readonly address: string | null;
  readonly readyState: string;
  connect(): Promise<void>;
  signMessage(message: string): Promise<string>;
  network?(): Promise<{ chainId: string }>;
};

export type WalletChoice = {
  id: string;
  name: string;
  /** Where a person gets the wallet, for the "not found" message. */
  site: string;
  /** False where the wallet has no network of its own to check (a Ledger, a WalletConnect session). */
  reportsNetwork: boolean;
  create(config: PageConfig): Promise<WalletAdapter>;
};

/** Shown "not installed" at once instead of waiting for a wallet that is not there. */
const found = { openUrlWhenWalletNotFound: false, checkTimeout: 1500 } as const;

/** TRON's public networks by CAIP-2 id, as WalletConnect names them. */
const WALLETCONNECT_NETWORKS: Record<string, string> = {
  "tron:728126428": "Mainnet",
  "tron:2494104990": "Shasta",
  "tron:3448148188": "Nile",
};

const INJECTED: WalletChoice[] = [
  {
    id: "tronlink",
    name: "TronLink",
    site: "tronlink.org",
    reportsNetwork: true,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-tronlink")).TronLinkAdapter(found),
  },
  {
    id: "tokenpocket",
    name: "TokenPocket",
    site: "tokenpocket.pro",
    reportsNetwork: true,
    create: async () =>
      new (await import("@tronweb3/tronwallet-adapter-tokenpocket")).TokenPocketAdapter(found),
  },
  {
    id: "bitget",
    name: "Bitget Wallet",
    site: "web3.bitget.com",
    reportsNetwork: true,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-bitkeep")).BitKeepAdapter(found),
  },
  {
    id: "okx",
    name: "OKX Wallet",
    site: "okx.com/web3",
    reportsNetwork: true,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-okxwallet")).OkxWalletAdapter(found),
  },
  {
    id: "imtoken",
    name: "imToken",
    site: "token.im",
    reportsNetwork: true,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-imtoken")).ImTokenAdapter(found),
  },
  {
    id: "trust",
    name: "Trust Wallet",
    site: "trustwallet.com",
    reportsNetwork: true,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-trust")).TrustAdapter(found),
  },
  {
    id: "gate",
    name: "Gate Wallet",
    site: "gate.io/web3",
    reportsNetwork: true,
    create: async () =>
      new (await import("@tronweb3/tronwallet-adapter-gatewallet")).GateWalletAdapter(found),
  },
  {
    id: "foxwallet",
    name: "FoxWallet",
    site: "foxwallet.com",
    reportsNetwork: true,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-foxwallet")).FoxWalletAdapter(found),
  },
  {
    id: "bybit",
    name: "Bybit Wallet",
    site: "bybit.com/web3",
    reportsNetwork: true,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-bybit")).BybitWalletAdapter(found),
  },
  {
    id: "ledger",
    name: "Ledger (USB)",
    site: "ledger.com",
    reportsNetwork: false,
    create: async () => new (await import("@tronweb3/tronwallet-adapter-ledger")).LedgerAdapter(),
  },
];

function walletConnect(projectId: string): WalletChoice {
  return {
    id: "walletconnect",
    name: "WalletConnect",
    site: "walletconnect.network",
    reportsNetwork: false,
    create: async (config) => {
      const { WalletConnectAdapter } = await import("@tronweb3/tronwallet-adapter-walletconnect");
      return new WalletConnectAdapter({
        network: WALLETCONNECT_NETWORKS[config.chainId ?? ""] ?? "Mainnet",
        options: {
          projectId,
          metadata: {
            name: "tron-auth",
            description: "Sign in with your TRON wallet",
            url: location.origin,
            icons: [],
          },
        },
      });
    },
  };
}

/** What this deployment offers: every injected wallet, and WalletConnect when it has a project id. */
export function walletsFor(config: PageConfig): WalletChoice[] {
  return config.walletConnect ? [...INJECTED, walletConnect(config.walletConnect.projectId)] : INJECTED;
}
