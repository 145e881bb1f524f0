import { ipBucket } from "./ip-bucket.ts";

type Headers = { header(name: string): string | undefined };

/** The caller's IP as Cloudflare's edge reports it (empty when absent), as sessions record it. */
export function clientIp(headers: Headers): string {
  return (headers.header("cf-connecting-ip") ?? "").trim().slice(0, 64);
}

export function clientUserAgent(headers: Headers): string {
  return (headers.header("user-agent") ?? "").slice(0, 512);
}

/** The client as the bridge and the audit log record it: only the fields that are present. */
export function clientOf(headers: Headers): { ip?: string; userAgent?: string } {
  const ip = clientIp(headers);
  const userAgent = clientUserAgent(headers);
  return { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) };
}

/**
 * Who a rate limit or a failure count is charged to: the IPv4 address or the IPv6 /64. A missing
 * or malformed IP (never from Cloudflare's edge) is one shared bucket, so a made-up header value
 * cannot buy a fresh one.
 */
export function clientKey(headers: Headers): string {
  return `ip:${ipBucket(clientIp(headers)) ?? "unknown"}`;
}
