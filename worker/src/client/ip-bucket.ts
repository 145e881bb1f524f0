/**
 * The address block a client IP is counted under: an IPv4 address alone, an IPv6 address by its
 * /64. One IPv6 subscriber usually holds a whole /64 (often more), so counting single IPv6
 * addresses would hand every client 2^64 fresh rate-limit and failure buckets. IPv4-mapped IPv6
 * (::ffff:a.b.c.d) is the IPv4 client it carries, so both spellings share one bucket.
 * Returns undefined for anything that is not an IP address.
 */
export function ipBucket(text: string): string | undefined {
  const v4 = ipv4Octets(text);
  if (v4) return v4.join(".");
  const groups = ipv6Groups(text);
  if (!groups) return undefined;
  const [g6 = 0, g7 = 0] = groups.slice(6);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

// Decimal octets without leading zeros: "010" is octal to some parsers, so it is not accepted.
const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
// The longest IPv6 text form: six full groups and an embedded IPv4 address.
const IPV6_MAX_LENGTH = 45;

function ipv4Octets(text: string): number[] | undefined {
  return IPV4.test(text) ? text.split(".").map(Number) : undefined;
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 text forms), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  if (text.length > IPV6_MAX_LENGTH) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const [first = "", second] = halves;
  // An embedded IPv4 address may only end the whole address.
  const head = groupsOf(first, second === undefined);
  const tail = second === undefined ? [] : groupsOf(second, true);
  if (!head || !tail) return undefined;
  if (second === undefined) return head.length === 8 ? head : undefined;
  const elided = 8 - head.length - tail.length;
  if (elided < 1) return undefined;
  return [...head, ...new Array<number>(elided).fill(0), ...tail];
}

function groupsOf(part: string, ipv4Allowed: boolean): number[] | undefined {
  if (part === "") return [];
  const pieces = part.split(":");
  const out: number[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (HEXTET.test(piece)) {
      out.push(Number.parseInt(piece, 16));
      continue;
    }
    const v4 = ipv4Allowed && i === pieces.length - 1 ? ipv4Octets(piece) : undefined;
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    out.push((a << 8) | b, (c << 8) | d);
  }
  return out;
}
