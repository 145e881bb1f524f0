import { can, type Permission } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../platform/env.ts";

/** Checks the live session's roles (not the token's) against the one permission table. */
export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!can(c.var.auth.roles, permission)) {
      throw new AppError("forbidden", `This action needs the ${permission} permission.`);
    }
    await next();
  });
}
