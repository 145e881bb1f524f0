import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@tron-auth/launchers/ports";
import { buildPages, type WalletChunk } from "@tron-auth/web/build";
import type { JWK } from "jose";
import { ANY_PORTS, type RunningStack, startStack } from "../src/compose.ts";
import { newSecrets } from "../src/secrets.ts";
import { StopList } from "../src/stop-list.ts";
import { WORKER_ENTRY } from "../src/workerd.ts";

/** What the client and browser tests get from their global setup (plain data: it crosses into workers). */
export type EdgeTestContext = {
  edgeUrl: string;
  superAdmin: { address: string; privateKey: string };
  /** The worker's private signing key, to mint a genuinely expired access token for a session. */
  signingJwk: JWK;
  jwt: { issuer: string; audience: string };
  /** The built wallet adapters' chunks, by package name, as the page fetches them. */
  walletChunks: Record<string, WalletChunk>;
};

/** A stack of its own for tests that change its settings or stop its parts. */
export type EdgeTestStackOptions = {
  /** Worker vars over the defaults below (tiny limits, a short challenge TTL, ...). */
  edgeVars?: Record<string, string>;
};

declare module "vitest" {
  export interface ProvidedContext {
    edgeTestContext: EdgeTestContext;
  }
}

const JWT = { issuer: "tron-auth-edge", audience: "tron-auth-api" };

/**
 * The whole system as `npm start` runs it (the worker in workerd serving the built pages), with
 * throwaway secrets, on a port chosen here so the SIWT domain names it as a browser sees it.
 * Sign-in limits are raised: the tests sign in many times from one address on purpose.
 */
export async function startEdgeTestStack(options: EdgeTestStackOptions = {}): Promise<{
  context: EdgeTestContext;
  /** Stops and starts the bridge (behind the same port): what the worker does while the Pi is away. */
  bridge: Pick<RunningStack["bridge"], "stop" | "start">;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "edge-tests-"));
  const parts = new StopList();
  parts.add({ stop: async () => rmSync(dir, { recursive: true, force: true }) });
  try {
    const built = await buildPages();
    const port = await freePort();
    const secrets = await newSecrets();
    const origin = `http://127.0.0.1:${port}`;
    const stack = parts.add(
      await startStack({
        secrets,
        dir,
        identity: {
          siwt: { domain: `127.0.0.1:${port}`, uri: `${origin}/`, chainId: "tron:3448148188" },
          jwt: JWT,
        },
        ports: { ...ANY_PORTS, edge: port },
        bridgeEnv: { NODE_ENV: "test", MONGODB_DB: `e_${port}` },
        edgeVars: {
          RATE_LIMIT_CHALLENGE: "1000",
          RATE_LIMIT_LOGIN: "1000",
          RATE_LIMIT_PUBLIC: "10000",
          ...options.edgeVars,
        },
        workerEntry: WORKER_ENTRY,
        assets: join(import.meta.dirname, "..", "..", "web", "dist"),
      }),
    );
    const signingJwk = secrets.jwtKeys.keys[0];
    if (!signingJwk || !stack.urls.edge) throw new Error("edge test stack incomplete");
    return {
      context: {
        edgeUrl: stack.urls.edge,
        superAdmin: secrets.superAdmin,
        signingJwk,
        jwt: JWT,
        walletChunks: built.wallets,
      },
      bridge: stack.bridge,
      stop: parts.stopAll,
    };
  } catch (error) {
    await parts.stopAll();
    throw error;
  }
}
