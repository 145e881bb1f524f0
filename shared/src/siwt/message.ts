import { isTronAddress } from "./address.ts";
import { SiwtParseError } from "./errors.ts";
import { isRfc3339 } from "./rfc3339.ts";

export type SiwtMessage = {
  domain: string;
  address: string;
  statement?: string;
  uri: string;
  version: "1";
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime: string;
};

export const SIWT_LIMITS = { message: 4096, domain: 253, statement: 512, uri: 2048 } as const;

const HEADER_SUFFIX = " wants you to sign in with your TRON account:";
const DOMAIN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$/;
const CHAIN = /^tron:[0-9]{1,20}$/;
/** >= 128 bits: 22+ base58 characters (5.86 bits each) or 32+ hex; at most 64. */
const NONCE = /^[1-9A-HJ-NP-Za-km-z]{22,64}$/;
// Printable, no newlines or trailing spaces: what a wallet shows is exactly what is signed.
const STATEMENT = /^\P{Cc}*\S$/u;

function check(field: string, ok: boolean, why: string): void {
  if (!ok) throw new SiwtParseError(field, why);
}

function checkFields(m: SiwtMessage): void {
  check("domain", m.domain.length <= SIWT_LIMITS.domain && DOMAIN.test(m.domain), "not a host[:port]");
  check("address", isTronAddress(m.address), "not a valid TRON address");
  if (m.statement !== undefined) {
    check(
      "statement",
      m.statement.length <= SIWT_LIMITS.statement && STATEMENT.test(m.statement),
      "invalid statement",
    );
  }
  check("uri", m.uri.length <= SIWT_LIMITS.uri && isHttpUri(m.uri), "not an absolute http(s) URI");
  check("version", m.version === "1", "only version 1");
  check("chainId", CHAIN.test(m.chainId), "not a tron: CAIP-2 chain id");
  check("nonce", NONCE.test(m.nonce), "nonce must be 22-64 base58 characters");
  check("issuedAt", isRfc3339(m.issuedAt), "not an RFC 3339 time");
  check("expirationTime", isRfc3339(m.expirationTime), "not an RFC 3339 time");
}

function isHttpUri(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === ""
    );
  } catch {
    return false;
  }
}

export function buildSiwtMessage(m: SiwtMessage): string {
  checkFields(m);
  const lines = [`${m.domain}${HEADER_SUFFIX}`, m.address, ""];
  if (m.statement !== undefined) lines.push(m.statement, "");
  lines.push(
    `URI: ${m.uri}`,
    `Version: ${m.version}`,
    `Chain ID: ${m.chainId}`,
    `Nonce: ${m.nonce}`,
    `Issued At: ${m.issuedAt}`,
    `Expiration Time: ${m.expirationTime}`,
  );
  const text = lines.join("\n");
  check("message", text.length <= SIWT_LIMITS.message, "message too long");
  return text;
}

function field(line: string | undefined, label: string): string {
  const prefix = `${label}: `;
  check(label, line?.startsWith(prefix) === true, `expected "${label}: ..." here`);
  return (line as string).slice(prefix.length);
}

/** One strict grammar: exact order, exact labels, LF only, nothing extra. */
export function parseSiwtMessage(text: string): SiwtMessage {
  check(
    "message",
    typeof text === "string" && text.length <= SIWT_LIMITS.message,
    "message missing or too long",
  );
  check("message", !text.includes("\r"), "line endings must be LF");
  const lines = text.split("\n");
  const header = lines[0] ?? "";
  check("domain", header.endsWith(HEADER_SUFFIX), "first line is not a sign-in header");
  const hasStatement = lines.length === 11;
  check("message", lines.length === 9 || hasStatement, "unexpected number of lines");
  check("message", lines[2] === "" && (!hasStatement || lines[4] === ""), "blank lines misplaced");
  const rest = lines.slice(hasStatement ? 5 : 3);
  const m: SiwtMessage = {
    domain: header.slice(0, -HEADER_SUFFIX.length),
    address: lines[1] ?? "",
    uri: field(rest[0], "URI"),
    version: field(rest[1], "Version") as "1",
    chainId: field(rest[2], "Chain ID"),
    nonce: field(rest[3], "Nonce"),
    issuedAt: field(rest[4], "Issued At"),
    expirationTime: field(rest[5], "Expiration Time"),
  };
  if (hasStatement) m.statement = lines[3] ?? "";
  checkFields(m);
  return m;
}
