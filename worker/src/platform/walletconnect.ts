import type { Env } from "./env.ts";

const PROJECT_ID = /^[0-9a-f]{32}$/;

/**
 * The WalletConnect project id, or null when none is configured. A malformed one counts as none:
 * WalletConnect would fail for every person who chose it while the other wallets still work, so
 * the page leaves it out rather than the worker refusing to serve over an optional setting.
 */
export function walletConnectProjectId(env: Env | undefined): string | null {
  const id = env?.WALLETCONNECT_PROJECT_ID?.trim().toLowerCase() ?? "";
  return PROJECT_ID.test(id) ? id : null;
}
