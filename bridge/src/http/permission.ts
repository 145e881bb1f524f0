import { can, type Permission } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import { createMiddleware } from "hono/factory";
import type { BridgeEnv } from "./types.ts";

/** Checked again here, not only at the edge: the bridge trusts the worker's claims, not its routing. */
export function requirePermission(permission: Permission) {
  return createMiddleware<BridgeEnv>(async (c, next) => {
    if (!can(c.var.assertion.roles, permission)) {
      throw new AppError("forbidden", `This action needs the ${permission} permission.`);
    }
    await next();
  });
}
