// @peculiar/x509 resolves its codecs through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export type Issued = { certPem: string; keyPem: string; fingerprint256: string };
type Ca = Issued & { cert: x509.X509Certificate; keys: CryptoKeyPair };

/** Uppercase colon-separated SHA-256 of the DER, as Node's X509Certificate.fingerprint256 prints it. */
export async function fingerprint256(cert: x509.X509Certificate): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", cert.rawData));
  return [...digest].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

async function keyPem(key: CryptoKey): Promise<string> {
  // Node and DOM typings merge exportKey overloads; "pkcs8" always yields an ArrayBuffer.
  const der = (await crypto.subtle.exportKey("pkcs8", key)) as ArrayBuffer;
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

function serial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000) };
}

async function finish(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<Issued> {
  return {
    certPem: cert.toString("pem"),
    keyPem: await keyPem(keys.privateKey),
    fingerprint256: await fingerprint256(cert),
  };
}

/**
 * A root CA, or with `issuer` an intermediate CA under it (the shape public CAs serve). Roots sign
 * leaves only unless `maxIntermediates` allows a chain below them.
 */
export async function createCa(opts: {
  commonName: string;
  validDays?: number;
  issuer?: Ca;
  maxIntermediates?: number;
}): Promise<Ca> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const common = {
    serialNumber: serial(),
    ...validity(opts.validDays ?? 3650),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, opts.issuer ? 0 : (opts.maxIntermediates ?? 0), true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: `CN=${opts.commonName}`,
        issuer: opts.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: opts.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        ...common,
        name: `CN=${opts.commonName}`,
        keys,
      });
  return { ...(await finish(cert, keys)), cert, keys };
}

async function issue(
  ca: Ca,
  commonName: string,
  days: number,
  extensions: x509.Extension[],
): Promise<Issued> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${commonName}`,
    issuer: ca.cert.subject,
    ...validity(days),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      ...extensions,
    ],
  });
  return finish(cert, keys);
}

export async function issueServerCert(
  ca: Ca,
  opts: { commonName: string; sans: string[]; validDays?: number },
): Promise<Issued> {
  const names = opts.sans.map((s) => ({ type: isIP(s) ? ("ip" as const) : ("dns" as const), value: s }));
  return issue(ca, opts.commonName, opts.validDays ?? 825, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(names),
  ]);
}

export async function issueClientCert(
  ca: Ca,
  opts: { commonName: string; validDays?: number },
): Promise<Issued> {
  return issue(ca, opts.commonName, opts.validDays ?? 825, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);
}

export type { Ca };
