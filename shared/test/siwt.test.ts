import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildSiwtMessage,
  encodeTronAddress,
  generateNonce,
  isRfc3339,
  isTronAddress,
  parseSiwtMessage,
  type SiwtMessage,
  SiwtParseError,
  type SiwtValidationError,
  validateSiwtMessage,
} from "../src/siwt/index.ts";

const addressArb = fc.uint8Array({ minLength: 20, maxLength: 20 }).map(encodeTronAddress);
// No hyphens: labels like "xn--a" are invalid punycode, which URL parsing (rightly) refuses.
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);
const domainArb = fc
  .tuple(
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  )
  .map(([labels, port]) => `${labels.join(".")}${port ? `:${port}` : ""}`);
const dateArb = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) })
  .map((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString());
const statementArb = fc.option(fc.stringMatching(/^[A-Za-z0-9 ,.!?'-]{0,200}[A-Za-z0-9.!?]$/), {
  nil: undefined,
});
const messageArb: fc.Arbitrary<SiwtMessage> = fc
  .record({
    domain: domainArb,
    address: addressArb,
    statement: statementArb,
    uri: domainArb.map((d) => `https://${d}/login`),
    chainId: fc.constantFrom("tron:728126428", "tron:3448148188", "tron:2494104990"),
    nonce: fc.constant(null).map(() => generateNonce()),
    issuedAt: dateArb,
    expirationTime: dateArb,
  })
  .map(({ statement, ...rest }) => ({
    ...rest,
    version: "1" as const,
    ...(statement === undefined ? {} : { statement }),
  }));

function mutate(text: string, kind: number, at: number, ch: string): string {
  const lines = text.split("\n");
  const i = at % lines.length;
  const j = (at + 1) % lines.length;
  switch (kind) {
    case 0:
      return lines.filter((_, k) => k !== i).join("\n");
    case 1:
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      return lines.join("\n");
    case 2:
      return [...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)].join("\n");
    case 3:
      lines[i] = `${lines[i]} `;
      return lines.join("\n");
    case 4:
      return lines.join("\r\n");
    case 5:
      return text.slice(0, at % text.length);
    case 6:
      lines[i] = (lines[i] ?? "").toUpperCase();
      return lines.join("\n");
    default: {
      const pos = at % text.length;
      return text.slice(0, pos) + ch + text.slice(pos);
    }
  }
}

describe("SIWT message", () => {
  it("parse(build(x)) equals x for any valid message", () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        expect(parseSiwtMessage(buildSiwtMessage(m))).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects random mutations, or parses them to a different message; never another error", () => {
    fc.assert(
      fc.property(
        messageArb,
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        (m, kind, at, ch) => {
          const text = buildSiwtMessage(m);
          const mutated = mutate(text, kind, at, ch);
          if (mutated === text) return;
          try {
            expect(parseSiwtMessage(mutated)).not.toEqual(m);
          } catch (error) {
            expect(error).toBeInstanceOf(SiwtParseError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never crashes on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (s) => {
        expect(() => parseSiwtMessage(s)).toThrow(SiwtParseError);
      }),
    );
  });

  it("refuses oversize messages and impossible dates", () => {
    const m: SiwtMessage = {
      domain: "example.com",
      address: "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
      uri: "https://example.com/login",
      version: "1",
      chainId: "tron:728126428",
      nonce: generateNonce(),
      issuedAt: "2024-02-29T00:00:00Z",
      expirationTime: "2024-02-30T00:00:00Z",
    };
    expect(() => buildSiwtMessage(m)).toThrow(SiwtParseError);
    expect(() => parseSiwtMessage("x".repeat(5000))).toThrow(SiwtParseError);
    expect(() => buildSiwtMessage({ ...m, expirationTime: "2024-03-01T00:00:00Z", nonce: "short" })).toThrow(
      /nonce/,
    );
  });
});

describe("TRON addresses", () => {
  it("knows valid addresses and refuses altered ones", () => {
    expect(isTronAddress("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7")).toBe(true);
    expect(isTronAddress("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")).toBe(true);
    expect(isTronAddress("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")).toBe(false);
    expect(isTronAddress("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")).toBe(false);
    expect(isTronAddress("")).toBe(false);
  });
});

describe("SIWT validation", () => {
  const base: SiwtMessage = {
    domain: "auth.example.com",
    address: "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
    uri: "https://auth.example.com/login",
    version: "1",
    chainId: "tron:728126428",
    nonce: generateNonce(),
    issuedAt: "2026-01-01T00:00:00Z",
    expirationTime: "2026-01-01T00:05:00Z",
  };
  const expected = {
    domain: base.domain,
    uri: base.uri,
    chainId: base.chainId,
    now: new Date("2026-01-01T00:01:00Z"),
  };
  const codeOf = (m: SiwtMessage, e = expected) => {
    try {
      validateSiwtMessage(m, e);
      return "ok";
    } catch (error) {
      return (error as SiwtValidationError).code;
    }
  };

  it.each([
    ["ok", base, expected],
    ["siwt_domain_mismatch", { ...base, domain: "evil.example.com" }, expected],
    ["siwt_uri_mismatch", { ...base, uri: "https://auth.example.com/other" }, expected],
    // Messages whose URI merely starts with the configured one: equality, never a prefix.
    ["siwt_uri_mismatch", { ...base, uri: `${base.uri}/evil` }, expected],
    ["siwt_uri_mismatch", { ...base, uri: `${base.uri}.evil.com` }, expected],
    [
      "siwt_uri_mismatch",
      { ...base, uri: "https://auth.example/evil" },
      { ...expected, uri: "https://auth.example" },
    ],
    [
      "siwt_uri_mismatch",
      { ...base, uri: "https://auth.example.evil.com" },
      { ...expected, uri: "https://auth.example" },
    ],
    ["siwt_uri_mismatch", { ...base, uri: "https://auth.example.com" }, expected],
    ["siwt_chain_mismatch", { ...base, chainId: "tron:3448148188" }, expected],
    ["siwt_expired", base, { ...expected, now: new Date("2026-01-01T00:05:31Z") }],
    ["ok", base, { ...expected, now: new Date("2026-01-01T00:05:29Z") }],
    ["siwt_not_yet_valid", base, { ...expected, now: new Date("2025-12-31T23:59:00Z") }],
    ["siwt_lifetime_too_long", { ...base, expirationTime: "2026-01-02T00:00:00Z" }, expected],
  ] as const)("%s", (code, m, e) => {
    expect(codeOf(m, e)).toBe(code);
  });

  it("the parser refuses a message whose time has an invalid offset", () => {
    const text = buildSiwtMessage(base).replace(
      "Expiration Time: 2026-01-01T00:05:00Z",
      "Expiration Time: 2026-01-01T00:05:00+99:99",
    );
    expect(() => parseSiwtMessage(text)).toThrow(SiwtParseError);
  });

  it("refuses any time the strict RFC 3339 parser refuses: a NaN never passes a time check", () => {
    const invalid = fc.oneof(
      fc.string({ maxLength: 30 }).filter((s) => !isRfc3339(s)),
      fc
        .tuple(fc.integer({ min: 24, max: 99 }), fc.integer({ min: 0, max: 99 }))
        .map(([h, m]) => `2026-01-01T00:03:00+${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`),
    );
    fc.assert(
      fc.property(invalid, fc.boolean(), (time, which) => {
        const m = which ? { ...base, issuedAt: time } : { ...base, expirationTime: time };
        expect(codeOf(m)).toBe("siwt_malformed");
      }),
      { numRuns: 300 },
    );
    expect(codeOf(base, { ...expected, now: new Date(Number.NaN) })).toBe("siwt_malformed");
  });

  it("honours offsets: the same instants written with offsets validate the same", () => {
    const shifted = {
      ...base,
      issuedAt: "2026-01-01T05:30:00+05:30",
      expirationTime: "2025-12-31T19:05:00-05:00",
    };
    expect(codeOf(shifted)).toBe("ok");
    expect(codeOf({ ...base, expirationTime: "2026-01-01T00:05:00-00:06" })).toBe("siwt_lifetime_too_long");
  });
});
