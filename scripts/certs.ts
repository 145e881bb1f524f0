// npm run certs -- init --out <dir> --san <name> [--san ...]: the private CA, the bridge's server
// certificate and the worker's client certificate for mutual TLS. Keys are written 0600 and
// never overwritten without --force.

import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createCa, issueClientCert, issueServerCert } from "@tron-auth/pki";

const USAGE = `usage:
  npm run certs -- init --out <dir> --san <dns-or-ip> [--san ...] [--client-name worker] [--days N] [--force]
  npm run certs -- fingerprint <cert.pem>`;

function fail(message: string): never {
  console.error(`certs: ${message}\n${USAGE}`);
  process.exit(2);
}

function write(path: string, content: string, secret: boolean, force: boolean): void {
  if (existsSync(path) && !force) fail(`${path} exists (use --force to replace it)`);
  writeFileSync(path, content, { mode: secret ? 0o600 : 0o644 });
}

async function init(values: {
  out?: string;
  san?: string[];
  "client-name"?: string;
  days?: string;
  force?: boolean;
}): Promise<void> {
  if (!values.out) fail("--out <dir> is required");
  if (!values.san?.length) fail("at least one --san is required (the bridge's DNS-only hostname)");
  const days = values.days ? Number(values.days) : 825;
  if (!Number.isInteger(days) || days < 1 || days > 3650) fail("--days must be 1..3650");
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const clientName = values["client-name"] ?? "tron-auth-worker";
  const ca = await createCa({ commonName: "tron-auth bridge CA" });
  const server = await issueServerCert(ca, {
    commonName: values.san[0] as string,
    sans: values.san,
    validDays: days,
  });
  const client = await issueClientCert(ca, { commonName: clientName, validDays: days });
  const force = values.force ?? false;
  for (const [name, pem, secret] of [
    ["ca.pem", ca.certPem, false],
    ["ca.key", ca.keyPem, true],
    ["server.pem", server.certPem, false],
    ["server.key", server.keyPem, true],
    ["client.pem", client.certPem, false],
    ["client.key", client.keyPem, true],
  ] as const) {
    write(join(out, name), pem, secret, force);
  }
  console.log(`CA          ${ca.fingerprint256}
server      ${server.fingerprint256}  (SANs: ${values.san.join(", ")})
client      ${client.fingerprint256}  (CN=${clientName})

Next steps:
  npx wrangler mtls-certificate upload --cert ${join(out, "client.pem")} --key ${join(out, "client.key")} --name tron-auth-bridge-client
  Bridge environment:
    BRIDGE_TLS_CERT=${join(out, "server.pem")}
    BRIDGE_TLS_KEY=${join(out, "server.key")}
    BRIDGE_TLS_CLIENT_CA=${join(out, "ca.pem")}
    BRIDGE_TLS_PINNED_CLIENT_FINGERPRINTS=${client.fingerprint256}
  Keep ca.key offline: it is only needed to issue the next client certificate.
  server.pem is for local use: a Cloudflare Worker accepts only a publicly trusted certificate
  for the bridge's DNS-only hostname (README, "Run the bridge on the Raspberry Pi 5").`);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    san: { type: "string", multiple: true },
    "client-name": { type: "string" },
    days: { type: "string" },
    force: { type: "boolean" },
  },
});
const command = positionals[0];
if (command === "init") await init(values);
else if (command === "fingerprint") {
  const file = positionals[1] ?? fail("fingerprint needs a certificate file");
  console.log(new X509Certificate(readFileSync(file)).fingerprint256);
} else fail(command ? `unknown command ${command}` : "a command is required");
