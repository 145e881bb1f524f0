import { describe, expect, it } from "vitest";
import { clientIp, clientKey, clientOf } from "../src/client/identity.ts";
import { ipBucket } from "../src/client/ip-bucket.ts";

const bucketsOf = (ips: string[]) => ips.map(ipBucket);
const headers = (values: Record<string, string>) => ({ header: (name: string) => values[name] });

describe("ipBucket: the block a client IP is counted under", () => {
  it("keeps an IPv4 address whole", () => {
    for (const ip of ["203.0.113.7", "0.0.0.0", "255.255.255.255", "10.0.0.1"]) expect(ipBucket(ip)).toBe(ip);
  });

  it("groups IPv6 by /64, whatever the spelling (compressed, full, leading zeros, upper case)", () => {
    const spellings = [
      "2001:db8:0:1::1",
      "2001:0db8:0000:0001:0000:0000:0000:0001",
      "2001:DB8:0:1:ffff:ffff:ffff:ffff",
      "2001:db8::1:0:0:0:2",
      "2001:db8:0:1:1:2:3:4",
    ];
    expect(new Set(spellings.map(ipBucket))).toEqual(new Set(["2001:db8:0:1::/64"]));
    expect(bucketsOf(["2001:db8:0:2::1", "::1", "::", "fe80::", "2001:db8:1:2:3:4::"])).toEqual([
      "2001:db8:0:2::/64",
      "0:0:0:0::/64",
      "0:0:0:0::/64",
      "fe80:0:0:0::/64",
      "2001:db8:1:2::/64",
    ]);
  });

  it("takes an IPv4-mapped IPv6 address (dotted or hex) as the IPv4 client it carries", () => {
    expect(bucketsOf(["::ffff:198.51.100.7", "::FFFF:198.51.100.7", "0:0:0:0:0:ffff:c633:6407"])).toEqual([
      "198.51.100.7",
      "198.51.100.7",
      "198.51.100.7",
    ]);
    // Other embedded IPv4 forms are IPv6 addresses like any other.
    expect(bucketsOf(["64:ff9b::198.51.100.7", "::198.51.100.7"])).toEqual([
      "64:ff9b:0:0::/64",
      "0:0:0:0::/64",
    ]);
  });

  it("refuses what is not an IP address", () => {
    for (const text of [
      "",
      "unknown",
      "203.0.113",
      "203.0.113.256",
      "203.0.113.07",
      "203.0.113.7.1",
      " 203.0.113.7",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7:8::",
      "1::2::3",
      ":::",
      ":1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:",
      "12345::1",
      "g::1",
      "fe80::1%eth0",
      "1.2.3.4::",
      "::ffff:1.2.3.4:5",
      "::ffff:1.2.3",
      "[2001:db8::1]",
      `2001:db8::${"0:".repeat(20)}1`,
    ]) {
      expect([text, ipBucket(text)]).toEqual([text, undefined]);
    }
  });
});

describe("client helpers", () => {
  it("clientKey: the rate-limit and failure key of the caller", () => {
    expect(clientKey(headers({ "cf-connecting-ip": "203.0.113.7" }))).toBe("ip:203.0.113.7");
    expect(clientKey(headers({ "cf-connecting-ip": "2001:db8:0:1::99" }))).toBe("ip:2001:db8:0:1::/64");
    expect(clientKey(headers({ "cf-connecting-ip": " ::ffff:203.0.113.7 " }))).toBe("ip:203.0.113.7");
    // Missing or malformed: one shared bucket, so a made-up value cannot buy a fresh one.
    expect(clientKey(headers({}))).toBe("ip:unknown");
    expect(clientKey(headers({ "cf-connecting-ip": "not-an-ip-1" }))).toBe("ip:unknown");
    expect(clientKey(headers({ "cf-connecting-ip": "not-an-ip-2" }))).toBe("ip:unknown");
  });

  it("clientIp and clientOf record the address as given (sessions and audit show the real one)", () => {
    const h = headers({ "cf-connecting-ip": "2001:db8:0:1::99", "user-agent": "ua/1" });
    expect(clientIp(h)).toBe("2001:db8:0:1::99");
    expect(clientOf(h)).toEqual({ ip: "2001:db8:0:1::99", userAgent: "ua/1" });
    expect(clientOf(headers({}))).toEqual({});
    expect(clientOf(headers({ "user-agent": "x".repeat(600) })).userAgent).toHaveLength(512);
  });
});
