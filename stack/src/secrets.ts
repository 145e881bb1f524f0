import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { newWallet, type Wallet } from "@tron-auth/bridge/testing/wallet";
import { createCa, issueClientCert, issueServerCert } from "@tron-auth/pki";
import { newSigningKey } from "@tron-auth/shared/keys";
import type { JWK } from "jose";
import { TronWeb } from "tronweb";

export type StackCertificates = {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
};

/** Everything secret the local system runs on: development and test material only. */
export type StackSecrets = {
  /** The private CA, the bridge's server certificate and the worker's client certificate. */
  certs: StackCertificates;
  /** The worker's JWT signing keys (private JWKs); the first signs, the bridge trusts them all. */
  jwtKeys: { keys: JWK[] };
  /** The bridge's bootstrap SUPER_ADMIN, as a software wallet. */
  superAdmin: Wallet;
  walletMnemonic: string;
  /** The worker's full-access token for the local Upstash server. */
  upstashToken: string;
  /** The bridge's restricted token for the local Upstash server. */
  bridgeUpstashToken: string;
  /** SESSION_MAC_KEY: one 256-bit base64url HMAC key for session records. */
  sessionMacKey: string;
  /** The bridge's audit chain key (the file AUDIT_CHAIN_KEY_FILE names): 256 bits, base64url. */
  auditChainKey: string;
};

export async function newSigningJwk(): Promise<JWK> {
  return newSigningKey(`dev-${randomUUID().slice(0, 8)}`);
}

/** What the bridge's WORKER_JWKS holds: the public half of each key (it refuses a private one). */
export function publicJwks(set: { keys: JWK[] }): { keys: JWK[] } {
  return { keys: set.keys.map(({ d: _, ...publicPart }) => publicPart) };
}

/** A 256-bit HMAC key as base64url: SESSION_MAC_KEY's form, and the audit chain key file's. */
export const newSessionMacKey = () => randomBytes(32).toString("base64url");

async function newCertificates(): Promise<StackCertificates> {
  const ca = await createCa({ commonName: "tron-auth development CA" });
  const server = await issueServerCert(ca, { commonName: "bridge", sans: ["localhost", "127.0.0.1"] });
  const client = await issueClientCert(ca, { commonName: "tron-auth-worker" });
  return {
    caPem: ca.certPem,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
  };
}

type Codec<T> = { encode: (v: T) => string; decode: (s: string) => T };
/** One secret: how it is made, and the file `npm start` keeps it in (relative to its folder). */
type Item<T> = { file: string; make: () => Promise<T> | T; codec: Codec<T> };

const json = <T>(): Codec<T> => ({
  encode: (v) => `${JSON.stringify(v, null, 2)}\n`,
  decode: (s) => JSON.parse(s) as T,
});
const text: Codec<string> = { encode: (v) => `${v}\n`, decode: (s) => s.trim() };
const token = () => randomBytes(24).toString("hex");

// The file names are what existing .dev folders hold (and what the demo and tests read).
const ITEMS = {
  certs: { file: "certs/dev-pki.json", make: newCertificates, codec: json<StackCertificates>() },
  jwtKeys: {
    file: "jwt-signing-keys.json",
    make: async () => ({ keys: [await newSigningJwk()] }),
    codec: json<{ keys: JWK[] }>(),
  },
  superAdmin: { file: "super-admin.json", make: newWallet, codec: json<Wallet>() },
  walletMnemonic: {
    file: "wallet-mnemonic.txt",
    make: () => TronWeb.createRandom().mnemonic?.phrase ?? "",
    codec: text,
  },
  upstashToken: { file: "upstash-token.txt", make: token, codec: text },
  bridgeUpstashToken: { file: "bridge-upstash-token.txt", make: token, codec: text },
  sessionMacKey: { file: "session-mac-key.txt", make: newSessionMacKey, codec: text },
  auditChainKey: { file: "audit-chain-key.txt", make: newSessionMacKey, codec: text },
} satisfies { [K in keyof StackSecrets]: Item<StackSecrets[K]> };

async function collect(get: <T>(item: Item<T>) => Promise<T>): Promise<StackSecrets> {
  return {
    certs: await get(ITEMS.certs),
    jwtKeys: await get(ITEMS.jwtKeys),
    superAdmin: await get(ITEMS.superAdmin),
    walletMnemonic: await get(ITEMS.walletMnemonic),
    upstashToken: await get(ITEMS.upstashToken),
    bridgeUpstashToken: await get(ITEMS.bridgeUpstashToken),
    sessionMacKey: await get(ITEMS.sessionMacKey),
    auditChainKey: await get(ITEMS.auditChainKey),
  };
}

/** Fresh material that lives as long as the process (tests, benchmarks). */
export const newSecrets = (): Promise<StackSecrets> => collect(async (item) => item.make());

/**
 * Material made on first use and kept in `dir` (git-ignored, 0600), so `npm start` keeps its
 * SUPER_ADMIN, wallet and keys across restarts and `wrangler dev` can read the same secrets.
 */
export const keptSecrets = (dir: string): Promise<StackSecrets> =>
  collect(async (item) => {
    const path = join(dir, item.file);
    if (existsSync(path)) return item.codec.decode(readFileSync(path, "utf8"));
    const value = await item.make();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, item.codec.encode(value), { mode: 0o600 });
    return value;
  });

/** The bridge reads its TLS material and its audit chain key from files, as in production. */
export function writeBridgeFiles(dir: string, certs: StackCertificates, auditChainKey: string) {
  mkdirSync(dir, { recursive: true });
  const files = {
    cert: join(dir, "server.pem"),
    key: join(dir, "server.key"),
    ca: join(dir, "ca.pem"),
    chainKey: join(dir, "audit-chain.key"),
  };
  writeFileSync(files.chainKey, `${auditChainKey}\n`, { mode: 0o600 });
  writeFileSync(files.ca, certs.caPem);
  writeFileSync(files.cert, certs.serverCertPem);
  writeFileSync(files.key, certs.serverKeyPem, { mode: 0o600 });
  return files;
}
