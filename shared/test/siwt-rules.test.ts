import { sha256 } from "@noble/hashes/sha2.js";
import { createBase58check } from "@scure/base";
import { describe, expect, it } from "vitest";
import {
  buildSiwtMessage,
  decodeTronAddress,
  detectSignInLike,
  encodeTronAddress,
  parseSiwtMessage,
  SIWT_LIMITS,
  type SiwtMessage,
  SiwtParseError,
  SiwtValidationError,
  tronAddressSchema,
  validateSiwtMessage,
} from "../src/siwt/index.ts";

/**
 * Each rule of the SIWT grammar and its validation, one boundary at a time, with the field a
 * refusal names (the property tests in siwt.test.ts cover random inputs; these pin each rule).
 */

const ADDRESS = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7";
const BASE: SiwtMessage = {
  domain: "auth.example.com",
  address: ADDRESS,
  uri: "https://auth.example.com/login",
  version: "1",
  chainId: "tron:728126428",
  nonce: "3".repeat(22),
  issuedAt: "2026-01-01T00:00:00Z",
  expirationTime: "2026-01-01T00:05:00Z",
};

/** The field a refusal names, with the reason after it; "ok" when the message builds and parses. */
function refusal(m: SiwtMessage): string {
  try {
    expect(parseSiwtMessage(buildSiwtMessage(m))).toEqual(m);
    return "ok";
  } catch (error) {
    if (!(error instanceof SiwtParseError)) throw error;
    expect(error.name).toBe("SiwtParseError");
    expect(error.code).toBe("siwt_malformed");
    expect(error.message).toMatch(new RegExp(`^${error.field}: \\S`));
    return error.field;
  }
}

function parseRefusal(text: string): string {
  try {
    parseSiwtMessage(text);
    return "ok";
  } catch (error) {
    if (!(error instanceof SiwtParseError)) throw error;
    expect(error.message).toMatch(new RegExp(`^${error.field}: \\S`));
    return error.field;
  }
}

const label63 = `a${"b".repeat(61)}c`;
/** A host of exactly `length` characters, made of valid labels. */
const hostOf = (length: number) => {
  const labels: string[] = [];
  let left = length;
  while (left > 64) {
    labels.push(label63);
    left -= 64;
  }
  labels.push("d".repeat(left));
  return labels.join(".");
};

describe("SIWT fields", () => {
  it.each([
    ["a host of 253 characters", { domain: hostOf(253) }, "ok"],
    ["a host of 254 characters", { domain: hostOf(254) }, "domain"],
    ["a host with a port", { domain: "auth.example.com:8443" }, "ok"],
    ["a space in the host", { domain: "auth example.com" }, "domain"],
    ["a label starting with a hyphen", { domain: "-auth.example.com" }, "domain"],
    ["a path after the host", { domain: "auth.example.com/x" }, "domain"],
    ["a prefix before the host", { domain: "@auth.example.com" }, "domain"],
    ["an address of another network", { address: "1BoatSLRHtKNngkdXEeobR76b53LETtpyT" }, "address"],
    ["a statement", { statement: "Sign in to the example service." }, "ok"],
    ["a statement of 512 characters", { statement: "s".repeat(512) }, "ok"],
    ["a statement of 513 characters", { statement: "s".repeat(513) }, "statement"],
    ["a statement ending in a space", { statement: "Sign in " }, "statement"],
    ["a statement with a control character", { statement: "Sign\u0007in" }, "statement"],
    ["a statement with a newline", { statement: "Sign\nin" }, "statement"],
    ["an empty statement", { statement: "" }, "statement"],
    ["an http URI", { uri: "http://auth.example.com/login" }, "ok"],
    ["a URI of 2048 characters", { uri: `https://auth.example.com/${"p".repeat(2048 - 25)}` }, "ok"],
    ["a URI of 2049 characters", { uri: `https://auth.example.com/${"p".repeat(2049 - 25)}` }, "uri"],
    ["a URI with a space", { uri: "https://auth.example.com/lo gin" }, "uri"],
    ["a URI with a user", { uri: "https://user@auth.example.com/login" }, "uri"],
    ["a URI with a password", { uri: "https://:secret@auth.example.com/login" }, "uri"],
    ["an ftp URI", { uri: "ftp://auth.example.com/login" }, "uri"],
    ["a relative URI", { uri: "/login" }, "uri"],
    ["version 2", { version: "2" as "1" }, "version"],
    ["a chain of another namespace", { chainId: "eip155:1" }, "chainId"],
    ["a chain with a prefix", { chainId: "xtron:1" }, "chainId"],
    ["a chain with a suffix", { chainId: "tron:1x" }, "chainId"],
    ["a nonce of 22 base58 characters", { nonce: "3".repeat(22) }, "ok"],
    ["a nonce of 21", { nonce: "3".repeat(21) }, "nonce"],
    ["a nonce of 65", { nonce: "3".repeat(65) }, "nonce"],
    ["a nonce with a prefix", { nonce: `0${"3".repeat(22)}` }, "nonce"],
    ["a nonce with a suffix", { nonce: `${"3".repeat(22)}0` }, "nonce"],
    ["an issue time that is not RFC 3339", { issuedAt: "2026-01-01 00:00:00Z" }, "issuedAt"],
    ["an expiry that is not RFC 3339", { expirationTime: "tomorrow" }, "expirationTime"],
  ] as const)("%s: %s", (_, change, expected) => {
    expect(refusal({ ...BASE, ...change })).toBe(expected);
  });

  it("reads at most 4096 characters: a longer text is refused before any field is read", () => {
    const withUri = (length: number) => {
      const text = buildSiwtMessage(BASE);
      return text.replace(
        BASE.uri,
        `https://auth.example.com/${"p".repeat(length - text.length + BASE.uri.length - 25)}`,
      );
    };
    expect(withUri(SIWT_LIMITS.message)).toHaveLength(SIWT_LIMITS.message);
    expect(parseRefusal(withUri(SIWT_LIMITS.message))).toBe("uri");
    expect(parseRefusal(withUri(SIWT_LIMITS.message + 1))).toBe("message");
  });

  it("parses only its grammar, naming where it stopped", () => {
    const text = buildSiwtMessage(BASE);
    expect(parseRefusal(text.replaceAll("\n", "\r\n"))).toBe("message");
    expect(parseRefusal(text.replace(" wants you", " wishes you"))).toBe("domain");
    expect(parseRefusal(`${text}\nResources:`)).toBe("message");
    expect(parseRefusal(text.replace(`${ADDRESS}\n\n`, `${ADDRESS}\nx\n`))).toBe("message");
    expect(parseRefusal(text.replace("Nonce: ", "Nonce:"))).toBe("Nonce");
    expect(parseRefusal(text.replace("URI: ", "Uri: "))).toBe("URI");
    expect(parseRefusal(undefined as unknown as string)).toBe("message");
  });
});

describe("TRON addresses", () => {
  const b58check = createBase58check(sha256);
  const body = decodeTronAddress(ADDRESS).subarray(1);

  it("round-trip through their 20-byte body", () => {
    expect(decodeTronAddress(ADDRESS)).toHaveLength(21);
    expect(encodeTronAddress(body)).toBe(ADDRESS);
  });

  it("refuse another length or another version byte with a RangeError", () => {
    expect(() => decodeTronAddress(ADDRESS.slice(0, 33))).toThrow(RangeError);
    expect(() => decodeTronAddress(`${ADDRESS}1`)).toThrow(RangeError);
    expect(() => decodeTronAddress(`A${ADDRESS.slice(1)}`)).toThrow(RangeError);
    // A valid base58check string of 34 characters starting with T, but not version 0x41.
    const other = b58check.encode(Uint8Array.from([0x42, ...body]));
    expect(other).toHaveLength(34);
    expect(other[0]).toBe("T");
    expect(() => decodeTronAddress(other)).toThrow(RangeError);
    const short = b58check.encode(Uint8Array.from([0x41, ...body.subarray(1), 0, 0]).subarray(0, 22));
    if (short.length === 34 && short[0] === "T") expect(() => decodeTronAddress(short)).toThrow(RangeError);
  });

  it("encode only a 20-byte body", () => {
    expect(() => encodeTronAddress(body.subarray(1))).toThrow(RangeError);
    expect(() => encodeTronAddress(Uint8Array.from([...body, 0]))).toThrow(RangeError);
  });

  it("name the problem in the schema's error", () => {
    const result = tronAddressSchema.safeParse("T123");
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("not a valid TRON address");
  });
});

describe("SIWT time checks at their boundaries", () => {
  const expected = { domain: BASE.domain, uri: BASE.uri, chainId: BASE.chainId };
  const at = (iso: string) => new Date(iso);
  const codeOf = (m: SiwtMessage, now: Date) => {
    try {
      validateSiwtMessage(m, { ...expected, now });
      return "ok";
    } catch (error) {
      if (!(error instanceof SiwtValidationError)) throw error;
      expect(error.name).toBe("SiwtValidationError");
      expect(error.message).toMatch(/\w+ \w+/);
      return error.code;
    }
  };
  const now = at("2026-01-01T00:01:00Z");

  it("refuses a message that expires when it is issued, and takes a lifetime of exactly 600 s", () => {
    expect(codeOf({ ...BASE, expirationTime: BASE.issuedAt }, now)).toBe("siwt_lifetime_too_long");
    expect(codeOf({ ...BASE, expirationTime: "2026-01-01T00:10:00Z" }, now)).toBe("ok");
    expect(codeOf({ ...BASE, expirationTime: "2026-01-01T00:10:00.001Z" }, now)).toBe(
      "siwt_lifetime_too_long",
    );
  });

  it("is expired from 30 s after expiry, and valid from 30 s before issue", () => {
    expect(codeOf(BASE, at("2026-01-01T00:05:29.999Z"))).toBe("ok");
    expect(codeOf(BASE, at("2026-01-01T00:05:30Z"))).toBe("siwt_expired");
    expect(codeOf(BASE, at("2025-12-31T23:59:30Z"))).toBe("ok");
    expect(codeOf(BASE, at("2025-12-31T23:59:29.999Z"))).toBe("siwt_not_yet_valid");
  });

  it("explains each mismatch", () => {
    expect(codeOf({ ...BASE, domain: "other.example" }, now)).toBe("siwt_domain_mismatch");
    expect(codeOf({ ...BASE, uri: "https://other.example/" }, now)).toBe("siwt_uri_mismatch");
    expect(codeOf({ ...BASE, chainId: "tron:1" }, now)).toBe("siwt_chain_mismatch");
    expect(codeOf({ ...BASE, issuedAt: "2026-02-30T00:00:00Z" }, now)).toBe("siwt_malformed");
  });
});

describe("sign-in-like text", () => {
  it("is seen through invisible characters and runs of spaces", () => {
    expect(detectSignInLike("x wants\u200b you to sign in with a wallet")).toBe("sign_in_message");
    expect(detectSignInLike("x wants  you   to sign in with a wallet")).toBe("sign_in_message");
  });

  it("is any sign-in phrase: signin, sign in, sign-in", () => {
    for (const phrase of ["signin", "sign in", "sign-in"]) {
      expect(detectSignInLike(`Please ${phrase} with your Ethereum account`)).toBe("sign_in_message");
    }
  });

  it("counts field lines even when indented", () => {
    expect(detectSignInLike("hello\n  nonce: 1\n  issued at: 2")).toBe("sign_in_fields");
  });

  it("names a configured domain even when the setting has spaces around it", () => {
    expect(detectSignInLike("visit app.example", [" app.example "])).toBe("names_service");
    expect(detectSignInLike("visit app.example", ["  "])).toBeNull();
  });
});
