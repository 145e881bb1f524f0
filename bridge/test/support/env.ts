import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCa, issueClientCert, issueServerCert } from "@tron-auth/pki";
import { jwksOf, makeSigningKey } from "./assertions.ts";
import { SIWT } from "./wallet.ts";

export type PreparedBridge = Awaited<ReturnType<typeof prepareBridgeEnvFor>>;

/**
 * Certificates written to files, a worker signing key and a complete bridge environment naming
 * them, with ephemeral ports and a fresh database: what an operator's .env would hold.
 */
export async function prepareBridgeEnvFor(mongoUri: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "bridge-test-"));
  const ca = await createCa({ commonName: "bridge test CA" });
  const server = await issueServerCert(ca, { commonName: "bridge", sans: ["localhost", "127.0.0.1"] });
  const client = await issueClientCert(ca, { commonName: "tron-auth-worker" });
  const files = {
    cert: join(dir, "server.pem"),
    key: join(dir, "server.key"),
    ca: join(dir, "ca.pem"),
    chainKey: join(dir, "audit-chain.key"),
  };
  writeFileSync(files.chainKey, randomBytes(32).toString("base64url"));
  writeFileSync(files.cert, server.certPem);
  writeFileSync(files.key, server.keyPem);
  writeFileSync(files.ca, ca.certPem);
  const key = await makeSigningKey();
  const fullEnv: Record<string, string> = {
    BRIDGE_HOST: "127.0.0.1",
    BRIDGE_PORT: "0",
    BRIDGE_HEALTH_PORT: "0",
    BRIDGE_TLS_CERT: files.cert,
    BRIDGE_TLS_KEY: files.key,
    BRIDGE_TLS_CLIENT_CA: files.ca,
    AUDIT_CHAIN_KEY_FILE: files.chainKey,
    MONGODB_URI: mongoUri,
    MONGODB_DB: `t_${randomBytes(6).toString("hex")}`,
    WORKER_JWKS: JSON.stringify(jwksOf(key)),
    SIWT_DOMAIN: SIWT.domain,
    SIWT_URI: SIWT.uri,
    SIWT_CHAIN_ID: SIWT.chainId,
    LOG_LEVEL: "info",
    ...env,
  };
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return { dir, ca, server, client, key, files, env: fullEnv, cleanup };
}
