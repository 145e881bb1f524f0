import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";

const VALID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Every response names its request id, and the bridge's logs and audit events carry the same one. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("cf-ray") ?? c.req.header("x-request-id");
  const id = incoming && VALID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", id);
  c.header("X-Request-Id", id);
  await next();
});

export function clientIp(headers: { header(name: string): string | undefined }): string {
  return (headers.header("cf-connecting-ip") ?? "").slice(0, 64);
}

type Headers = { header(name: string): string | undefined };

/** The client as the bridge and the audit log record it: only the fields that are present. */
export function clientOf(headers: Headers): { ip?: string; userAgent?: string } {
  const ip = clientIp(headers);
  const userAgent = (headers.header("user-agent") ?? "").slice(0, 512);
  return { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) };
}

/** The rate-limit identifier of the client's IP (one shared bucket when the edge gave none). */
export function ipKey(headers: Headers): string {
  return `ip:${clientIp(headers) || "unknown"}`;
}
