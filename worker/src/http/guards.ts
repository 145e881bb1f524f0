import type { MiddlewareHandler } from "hono";
import { requireAuth, requireFreshAuth } from "../auth/require-auth.ts";
import { requirePermission } from "../auth/require-permission.ts";
import type { AppEnv } from "../env.ts";
import { publicLimit } from "../limits/public-limit.ts";
import type { Access } from "./routes.ts";

/** The middleware each kind of access puts in front of a handler. */
export function guardsFor(access: Access): MiddlewareHandler<AppEnv>[] {
  switch (access.kind) {
    case "public":
      return [publicLimit];
    case "authenticated":
      return [requireAuth];
    case "permission":
      return [access.fresh ? requireFreshAuth : requireAuth, requirePermission(access.permission)];
  }
}
