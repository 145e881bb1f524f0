import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCa, issueClientCert, issueServerCert } from "@tron-auth/infra/pki";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { TronWeb, utils } from "tronweb";

/** Development material, made on first run and kept in the dev folder (git-ignored, 0600). */
export type DevMaterial = {
  certs: {
    caPem: string;
    serverCertPem: string;
    serverKeyPem: string;
    clientCertPem: string;
    clientKeyPem: string;
  };
  files: { serverCert: string; serverKey: string; ca: string };
  jwtKeys: { keys: JWK[] };
  superAdmin: { privateKey: string; address: string };
  walletMnemonic: string;
  upstashToken: string;
  /** The bridge's restricted token for the local Upstash server. */
  bridgeUpstashToken: string;
  /** SESSION_MAC_KEY: one 256-bit base64url HMAC key for session records. */
  sessionMacKey: string;
};

function once<T>(
  path: string,
  make: () => Promise<T> | T,
  encode: (v: T) => string,
  decode: (s: string) => T,
): Promise<T> {
  if (existsSync(path)) return Promise.resolve(decode(readFileSync(path, "utf8")));
  return Promise.resolve(make()).then((value) => {
    writeFileSync(path, encode(value), { mode: 0o600 });
    return value;
  });
}

const json = <T>() => ({
  encode: (v: T) => `${JSON.stringify(v, null, 2)}\n`,
  decode: (s: string) => JSON.parse(s) as T,
});
const text = { encode: (v: string) => `${v}\n`, decode: (s: string) => s.trim() };

export async function devMaterial(dir: string): Promise<DevMaterial> {
  mkdirSync(join(dir, "certs"), { recursive: true });
  const certDir = join(dir, "certs");
  const files = {
    serverCert: join(certDir, "server.pem"),
    serverKey: join(certDir, "server.key"),
    ca: join(certDir, "ca.pem"),
  };
  type Certs = DevMaterial["certs"];
  const certs = await once<Certs>(
    join(certDir, "dev-pki.json"),
    async () => {
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
    },
    json<Certs>().encode,
    json<Certs>().decode,
  );
  writeFileSync(files.ca, certs.caPem);
  writeFileSync(files.serverCert, certs.serverCertPem);
  writeFileSync(files.serverKey, certs.serverKeyPem, { mode: 0o600 });

  const jwtKeys = await once(
    join(dir, "jwt-signing-keys.json"),
    async () => {
      const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
      return {
        keys: [
          {
            ...(await exportJWK(privateKey)),
            kid: `dev-${randomUUID().slice(0, 8)}`,
            alg: "EdDSA",
            use: "sig",
          },
        ],
      };
    },
    json<{ keys: JWK[] }>().encode,
    json<{ keys: JWK[] }>().decode,
  );
  const superAdmin = await once(
    join(dir, "super-admin.json"),
    () => {
      const privateKey = randomBytes(32).toString("hex");
      return { privateKey, address: utils.address.fromPrivateKey(privateKey) as string };
    },
    json<{ privateKey: string; address: string }>().encode,
    json<{ privateKey: string; address: string }>().decode,
  );
  const textFile = (name: string, make: () => string) =>
    once(join(dir, name), make, text.encode, text.decode);
  const walletMnemonic = await textFile(
    "wallet-mnemonic.txt",
    () => TronWeb.createRandom().mnemonic?.phrase ?? "",
  );
  const upstashToken = await textFile("upstash-token.txt", () => randomBytes(24).toString("hex"));
  const bridgeUpstashToken = await textFile("bridge-upstash-token.txt", () =>
    randomBytes(24).toString("hex"),
  );
  const sessionMacKey = await textFile("session-mac-key.txt", () => randomBytes(32).toString("base64url"));
  return {
    certs,
    files,
    jwtKeys,
    superAdmin,
    walletMnemonic,
    upstashToken,
    bridgeUpstashToken,
    sessionMacKey,
  };
}
