import type { Logger } from "pino";
import type { BridgeConfig } from "../config/schema.ts";
import type { TlsMaterial } from "../server/https.ts";
import { checkServedCertificate } from "../tls/served-certificate.ts";

export const CERTIFICATE_REFUSED = "served certificate would be refused by Cloudflare Workers";
export const CERTIFICATE_ACCEPTABLE = "served certificate acceptable to Cloudflare Workers";

/**
 * Says at start (and after SIGHUP) whether a Worker could connect: its mTLS binding accepts only
 * a publicly trusted certificate for the bridge's DNS-only hostname. Every local test passes with
 * a private-CA certificate, so without this line the first sign of it is a production outage.
 * In production it is an error line; elsewhere, where a private CA is normal, an info line.
 */
export function reportServedCertificate(
  tls: TlsMaterial,
  config: Pick<BridgeConfig, "NODE_ENV" | "BRIDGE_PUBLIC_HOSTNAME">,
  log: Logger,
): void {
  const check = checkServedCertificate({
    certPem: tls.certPem,
    clientCaPem: tls.clientCaPem,
    hostname: config.BRIDGE_PUBLIC_HOSTNAME,
  });
  const details = { ...check, hostname: config.BRIDGE_PUBLIC_HOSTNAME ?? null };
  if (check.problems.length === 0) return void log.info(details, CERTIFICATE_ACCEPTABLE);
  if (config.NODE_ENV === "production") log.error(details, CERTIFICATE_REFUSED);
  else log.info(details, CERTIFICATE_REFUSED);
}
