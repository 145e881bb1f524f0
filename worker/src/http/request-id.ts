import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../platform/env.ts";

const VALID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Every response names its request id, and the bridge's logs and audit events carry the same one. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("cf-ray") ?? c.req.header("x-request-id");
  const id = incoming && VALID.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", id);
  c.header("X-Request-Id", id);
  await next();
});
