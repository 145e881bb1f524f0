import { readFile } from "node:fs/promises";
import type { BridgeConfig } from "../config/schema.ts";
import type { TlsMaterial } from "../server/https.ts";

type TlsPaths = Pick<BridgeConfig, "BRIDGE_TLS_CERT" | "BRIDGE_TLS_KEY" | "BRIDGE_TLS_CLIENT_CA">;

/** Read on start and again on SIGHUP, so a renewed certificate needs no restart. */
export async function readTlsMaterial(paths: TlsPaths): Promise<TlsMaterial> {
  const [certPem, keyPem, clientCaPem] = await Promise.all([
    readFile(paths.BRIDGE_TLS_CERT, "utf8"),
    readFile(paths.BRIDGE_TLS_KEY, "utf8"),
    readFile(paths.BRIDGE_TLS_CLIENT_CA, "utf8"),
  ]);
  return { certPem, keyPem, clientCaPem };
}
