import { loginVerifyRequestSchema } from "@tron-auth/shared/protocol";
import { Hono } from "hono";
import { jsonBody } from "../http/body.ts";
import type { BridgeEnv } from "../http/types.ts";
import { type LoginDeps, verifyLogin } from "../login/verify.ts";

export const LOGIN_VERIFY_PATH = "/internal/v1/login/verify";

export function loginRoutes(deps: LoginDeps) {
  return new Hono<BridgeEnv>().post(LOGIN_VERIFY_PATH, async (c) => {
    const body = jsonBody(c, loginVerifyRequestSchema);
    const result = await verifyLogin(body, deps, {
      requestId: c.var.assertion.rid,
      ip: body.ip,
      userAgent: body.userAgent,
    });
    c.var.log.info({ userId: result.user.id }, "login verified");
    return c.json(result);
  });
}
