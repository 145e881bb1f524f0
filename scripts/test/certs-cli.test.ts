import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const script = join(import.meta.dirname, "..", "..", "scripts", "certs.ts");
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });

describe("certs CLI", () => {
  const out = join(mkdtempSync(join(tmpdir(), "certs-")), "pki");
  const first = run("init", "--out", out, "--san", "localhost", "--san", "127.0.0.1");

  it("writes the CA, server and client certificates with private keys at 0600", () => {
    expect(first.status).toBe(0);
    for (const key of ["ca.key", "server.key", "client.key"])
      expect(statSync(join(out, key)).mode & 0o777).toBe(0o600);
    const server = new X509Certificate(readFileSync(join(out, "server.pem")));
    expect(server.checkIssued(new X509Certificate(readFileSync(join(out, "ca.pem"))))).toBe(true);
    expect(server.subjectAltName).toContain("IP Address:127.0.0.1");
  });

  it("prints the fingerprints of the files it wrote and the upload command", () => {
    const client = new X509Certificate(readFileSync(join(out, "client.pem")));
    expect(first.stdout).toContain(client.fingerprint256);
    expect(first.stdout).toContain("wrangler mtls-certificate upload");
    expect(run("fingerprint", join(out, "client.pem")).stdout.trim()).toBe(client.fingerprint256);
  });

  it("refuses to overwrite, and reports usage errors with exit code 2", () => {
    const again = run("init", "--out", out, "--san", "localhost");
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("exists");
    expect(run("init", "--out", out).status).toBe(2);
    expect(run("bogus").status).toBe(2);
  });
});
