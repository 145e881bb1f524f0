import { createCa, issueServerCert } from "@tron-auth/pki";
import { beforeAll, describe, expect, it } from "vitest";
import { CERTIFICATE_REFUSED } from "../src/runtime/certificate-report.ts";
import { checkServedCertificate } from "../src/tls/served-certificate.ts";
import { startTestBridge } from "./support/harness.ts";

const HOST = "bridge.example.com";
const DAY = 86_400_000;

type Ca = Awaited<ReturnType<typeof createCa>>;
let publicRoot: Ca;
let intermediate: Ca;
let clientCa: Ca;
let fullchain: string;

beforeAll(async () => {
  // A stand-in for a public CA (root, intermediate, leaf: what an ACME CA serves), handed to the
  // check as its trusted roots; and the private CA that issues the worker's client certificates.
  publicRoot = await createCa({ commonName: "Stand-in Public Root", maxIntermediates: 1 });
  intermediate = await createCa({ commonName: "Stand-in Public Intermediate", issuer: publicRoot });
  clientCa = await createCa({ commonName: "tron-auth private CA" });
  const leaf = await issueServerCert(intermediate, { commonName: HOST, sans: [HOST] });
  fullchain = `${leaf.certPem}\n${intermediate.certPem}`;
});

const check = (o: { certPem?: string; hostname?: string | undefined; now?: Date; roots?: string[] } = {}) =>
  checkServedCertificate({
    certPem: o.certPem ?? fullchain,
    clientCaPem: clientCa.certPem,
    hostname: "hostname" in o ? o.hostname : HOST,
    ...(o.now ? { now: o.now } : {}),
    trustedRootsPem: o.roots ?? [publicRoot.certPem],
  }).problems;

describe("the served certificate, as a Worker's Full (strict) subrequest would judge it", () => {
  it("accepts a chain to a trusted root that names the configured hostname", () => {
    expect(check()).toEqual([]);
  });

  it("refuses a leaf served without its intermediate", async () => {
    const leafOnly = fullchain.slice(0, fullchain.indexOf("-----END CERTIFICATE-----") + 25);
    expect(check({ certPem: leafOnly })).toEqual(["not_publicly_trusted"]);
  });

  it("refuses a certificate for another name, and says when no hostname is configured", () => {
    expect(check({ hostname: "other.example.com" })).toEqual(["hostname_mismatch"]);
    expect(check({ hostname: undefined })).toEqual(["hostname_not_configured"]);
  });

  it("refuses an expired or not yet valid certificate", () => {
    expect(check({ now: new Date(Date.now() + 900 * DAY) })).toEqual(["expired"]);
    expect(check({ now: new Date(Date.now() - DAY) })).toEqual(["not_yet_valid"]);
  });

  it("refuses a certificate from the private client CA, against Node's real bundled roots", async () => {
    const privateLeaf = await issueServerCert(clientCa, { commonName: HOST, sans: [HOST] });
    const problems = checkServedCertificate({
      certPem: privateLeaf.certPem,
      clientCaPem: clientCa.certPem,
      hostname: HOST,
    }).problems;
    expect(problems).toEqual(["issued_by_client_ca", "not_publicly_trusted"]);
  });

  it("refuses a self-signed certificate", () => {
    expect(check({ certPem: clientCa.certPem, roots: [] })).toEqual([
      "self_signed",
      "issued_by_client_ca",
      "not_publicly_trusted",
      "hostname_mismatch",
    ]);
  });

  it("uses Node's bundled public roots by default: the stand-in root is not among them", () => {
    const problems = checkServedCertificate({
      certPem: fullchain,
      clientCaPem: clientCa.certPem,
      hostname: HOST,
    });
    expect(problems.problems).toEqual(["not_publicly_trusted"]);
  });

  it("reports a file that holds no certificate as unreadable", () => {
    expect(check({ certPem: "" })).toEqual(["unreadable"]);
    expect(check({ certPem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" })).toEqual([
      "unreadable",
    ]);
  });
});

describe("the start-up line", () => {
  type Line = { level: string; msg: string; problems?: string[]; hostname?: string | null };
  const linesOf = (t: { logLines: string[] }) => t.logLines.map((l) => JSON.parse(l) as Line);

  it("is an error in production when the served certificate comes from the private CA", async () => {
    const t = await startTestBridge({ NODE_ENV: "production", BRIDGE_PUBLIC_HOSTNAME: HOST });
    try {
      const line = linesOf(t).find((l) => l.msg === CERTIFICATE_REFUSED);
      expect(line).toMatchObject({ level: "error", hostname: HOST });
      expect(line?.problems).toEqual(["issued_by_client_ca", "not_publicly_trusted", "hostname_mismatch"]);
    } finally {
      await t.stop();
    }
  });

  it("is only information outside production, where a private CA is the normal setup", async () => {
    const t = await startTestBridge({ NODE_ENV: "test" });
    try {
      const line = linesOf(t).find((l) => l.msg === CERTIFICATE_REFUSED);
      expect(line).toMatchObject({ level: "info", hostname: null });
      expect(line?.problems).toContain("hostname_not_configured");
    } finally {
      await t.stop();
    }
  });
});
