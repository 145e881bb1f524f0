/**
 * `npm start`: the whole system locally (see README). Ports and the dev folder can be moved with
 * DEV_DIR, EDGE_PORT, BRIDGE_PORT, BRIDGE_HEALTH_PORT, UPSTASH_PORT, FORWARDER_PORT. Ctrl-C stops
 * everything. The last line printed when ready is one JSON object, for scripts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildPages } from "@tron-auth/web/build";
import { type StackPorts, startStack } from "./compose.ts";
import { keptSecrets } from "./secrets.ts";
import { WORKER_ENTRY } from "./workerd.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const MARKER = "# written by npm start";
const PAGES_DIR = join(ROOT, "web", "dist");

const DEFAULT_PORTS: StackPorts = {
  edge: 8787,
  bridge: 8089,
  bridgeHealth: 8090,
  upstash: 8079,
  forwarder: 8088,
};

/** The values wrangler.toml's top level gives `wrangler dev`; the workerd worker gets the same. */
const DEV_IDENTITY = {
  siwt: { domain: "localhost:8787", uri: "http://localhost:8787/", chainId: "tron:3448148188" },
  jwt: { issuer: "tron-auth-edge", audience: "tron-auth-api" },
};

function ports(): StackPorts {
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  return {
    edge: env("EDGE_PORT", DEFAULT_PORTS.edge),
    bridge: env("BRIDGE_PORT", DEFAULT_PORTS.bridge),
    bridgeHealth: env("BRIDGE_HEALTH_PORT", DEFAULT_PORTS.bridgeHealth),
    upstash: env("UPSTASH_PORT", DEFAULT_PORTS.upstash),
    forwarder: env("FORWARDER_PORT", DEFAULT_PORTS.forwarder),
  };
}

/** Secrets `wrangler dev` reads; never overwrites a .dev.vars someone wrote by hand. */
function writeDevVars(secrets: {
  jwtSigningKeys: string;
  upstashToken: string;
  sessionMacKey: string;
}): string {
  const path = join(ROOT, ".dev.vars");
  if (existsSync(path) && !readFileSync(path, "utf8").startsWith(MARKER)) return "kept your own .dev.vars";
  writeFileSync(
    path,
    [
      `${MARKER} (development keys only)`,
      `JWT_SIGNING_KEYS='${secrets.jwtSigningKeys}'`,
      `SESSION_MAC_KEY=${secrets.sessionMacKey}`,
      `UPSTASH_REDIS_REST_TOKEN=${secrets.upstashToken}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return "wrote .dev.vars for wrangler dev";
}

async function main(): Promise<void> {
  const dir = process.env.DEV_DIR ?? join(ROOT, ".dev");
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log("starting the local stack (first run makes certificates and keys in .dev/)");
  const secrets = await keptSecrets(dir);
  // The pages the worker serves (wrangler.toml [assets]), built fresh so an edit shows on restart.
  const pages = await buildPages();
  // Development defaults: the software wallet, and the worker in workerd with its mTLS binding.
  // WALLET_DEVICE picks the device (software-ledger by default, software-trezor, or a real one).
  const device = process.env.WALLET_DEVICE ?? "software-ledger";
  log(`wallet device ${device}`);
  const stack = await startStack({
    secrets,
    dir,
    identity: DEV_IDENTITY,
    ports: ports(),
    bridgeEnv: { NODE_ENV: "development", WALLET_DEVICE: device },
    workerEntry: WORKER_ENTRY,
    assets: PAGES_DIR,
    forwarder: true,
    log,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const devVars = process.env.DEV_DIR ? "left .dev.vars alone (DEV_DIR set)" : writeDevVars(stack.wiring);
  log(`
  sign-in page               ${DEV_IDENTITY.siwt.uri}   (open it in a browser with TronLink on Nile; ${(pages.signinGzip / 1024).toFixed(1)} KiB JS gzip)
  edge (worker in workerd)   ${stack.urls.edge}          try: curl ${stack.urls.edge}/health
  bridge (mTLS)              ${stack.urls.bridge}
  bridge health (loopback)   ${stack.urls.bridgeHealth}/health/ready
  Upstash-compatible REST    ${stack.urls.upstash}
  mTLS forwarder             ${stack.urls.forwarder}   (for: npx wrangler dev; ${devVars})
  development SUPER_ADMIN    ${secrets.superAdmin.address}   (key in ${join(dir, "super-admin.json")})

  npm run demo   signs in, refreshes, calls /v1/me and signs through the wallet. Ctrl-C stops.`);
  log(
    JSON.stringify({
      ready: true,
      urls: { ...stack.urls, signIn: DEV_IDENTITY.siwt.uri },
      superAdmin: secrets.superAdmin.address,
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
