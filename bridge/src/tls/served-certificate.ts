import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";

/**
 * Why a Cloudflare Worker would refuse the certificate the bridge serves. A Worker's subrequest
 * to a hostname Cloudflare does not proxy (the bridge's DNS-only name; an mTLS binding cannot
 * reach a proxied one) is always made in "Full (strict)" mode: the origin's certificate must be
 * unexpired, chain to a publicly trusted CA and name the requested hostname. A certificate from
 * the private CA that issues the worker's client certificate passes none of that, although every
 * local test (which trusts that CA) works.
 */
export type ServedCertificateProblem =
  | "unreadable"
  | "expired"
  | "not_yet_valid"
  | "self_signed"
  | "issued_by_client_ca"
  | "not_publicly_trusted"
  | "hostname_mismatch"
  | "hostname_not_configured";

export type ServedCertificateCheck = {
  problems: ServedCertificateProblem[];
  subject?: string;
  issuer?: string;
  validTo?: string;
};

export type ServedCertificateInput = {
  /** The served file: the leaf first, then any intermediates (a `fullchain.pem`). */
  certPem: string;
  /** The CA of the worker's client certificates (BRIDGE_TLS_CLIENT_CA). */
  clientCaPem: string;
  /** The DNS-only hostname the worker names in BRIDGE_ORIGIN. */
  hostname: string | undefined;
  now?: Date;
  /** Defaults to Node's bundled Mozilla roots, the closest local stand-in for Cloudflare's. */
  trustedRootsPem?: readonly string[];
};

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_CHAIN = 8;

function parseAll(pem: string): X509Certificate[] {
  return (pem.match(PEM_BLOCK) ?? []).map((block) => new X509Certificate(block));
}

let bundledRoots: X509Certificate[] | undefined;

/** Parsed once: the bundle holds well over a hundred roots, and SIGHUP checks again. */
function rootsFrom(pems: readonly string[] | undefined): X509Certificate[] {
  if (pems) return pems.flatMap(parseAll);
  bundledRoots ??= rootCertificates.flatMap(parseAll);
  return bundledRoots;
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    // A key of another type than the signature's: not this issuer.
    return false;
  }
}

/** Follows issuers through the served intermediates to a trusted root, as a TLS client would. */
function chainsToRoot(leaf: X509Certificate, intermediates: X509Certificate[], roots: X509Certificate[]) {
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (roots.some((root) => root.fingerprint256 === current.fingerprint256 || signedBy(current, root))) {
      return true;
    }
    const next = intermediates.find((c) => c !== current && signedBy(current, c));
    if (!next) return false;
    current = next;
  }
  return false;
}

/** What a Worker's Full (strict) check would object to in the served certificate; none is good. */
export function checkServedCertificate(input: ServedCertificateInput): ServedCertificateCheck {
  let chain: X509Certificate[];
  let clientCas: X509Certificate[];
  try {
    chain = parseAll(input.certPem);
    clientCas = parseAll(input.clientCaPem);
  } catch {
    return { problems: ["unreadable"] };
  }
  const [leaf, ...intermediates] = chain;
  if (!leaf) return { problems: ["unreadable"] };
  const now = input.now ?? new Date();
  const problems: ServedCertificateProblem[] = [];
  if (now >= leaf.validToDate) problems.push("expired");
  if (now < leaf.validFromDate) problems.push("not_yet_valid");
  if (signedBy(leaf, leaf)) problems.push("self_signed");
  if (clientCas.some((ca) => chainsToRoot(leaf, intermediates, [ca]))) problems.push("issued_by_client_ca");
  if (!chainsToRoot(leaf, intermediates, rootsFrom(input.trustedRootsPem))) {
    problems.push("not_publicly_trusted");
  }
  if (input.hostname === undefined) problems.push("hostname_not_configured");
  else if (leaf.checkHost(input.hostname) === undefined) problems.push("hostname_mismatch");
  return { problems, subject: leaf.subject, issuer: leaf.issuer, validTo: leaf.validToDate.toISOString() };
}
