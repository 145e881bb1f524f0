import type { Handler, Hono, MiddlewareHandler } from "hono";
import { type Access, type Define, type RouteSpec, recordRoute } from "../http/routes.ts";
import { publicLimit } from "../limits/public-limit.ts";
import type { AppEnv } from "../platform/env.ts";
import { requireAuth, requireBoundFreshAuth, requireFreshAuth } from "./authenticate.ts";
import { requirePermission } from "./permission.ts";

/**
 * The only way a route reaches the app: recorded with its declared access (for the docs and the
 * role x route matrix test) and mounted behind the guards that access demands.
 */
export function defineRoute(app: Hono<AppEnv>, spec: RouteSpec, handler: Handler<AppEnv>): void {
  recordRoute(app, spec);
  app.on(spec.method.toUpperCase(), [spec.path], ...guardsFor(spec.access), handler);
}

/** What app.ts hands each route module, so a module cannot mount a route without its guards. */
export function definer(app: Hono<AppEnv>): Define {
  return (spec, handler) => defineRoute(app, spec, handler);
}

function guardsFor(access: Access): MiddlewareHandler<AppEnv>[] {
  switch (access.kind) {
    case "public":
      return [publicLimit];
    case "authenticated":
      return [requireAuth];
    case "permission":
      return [authFor(access), requirePermission(access.permission)];
  }
}

function authFor(access: Extract<Access, { kind: "permission" }>): MiddlewareHandler<AppEnv> {
  if (access.bound) return requireBoundFreshAuth;
  return access.fresh ? requireFreshAuth : requireAuth;
}
