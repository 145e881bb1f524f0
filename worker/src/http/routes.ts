import { can, type Permission } from "@tron-auth/shared/auth";
import type { ProblemCode } from "@tron-auth/shared/problems";
import type { Handler } from "hono";
import type * as core from "zod/v4/core";
import type { AppEnv } from "../platform/env.ts";

/**
 * Who may call a route. Every route states one; there is no default, so a route cannot be added
 * without deciding (the role x route matrix test reads these).
 */
export type Access =
  | { kind: "public" }
  | { kind: "authenticated" }
  /**
   * `fresh`: session liveness read from Redis on every request (privileged routes). `bound`: only a
   * session bound to a key (DPoP) may call it, whatever DPOP_REQUIRED says (implies fresh).
   */
  | { kind: "permission"; permission: Permission; fresh?: boolean; bound?: boolean };

export type HttpMethod = "get" | "post" | "put" | "delete";

export type RouteSpec = {
  method: HttpMethod;
  /** Hono path syntax (`/v1/admin/users/:id`). */
  path: string;
  access: Access;
  summary: string;
  tag: string;
  /** The path parameters (an object schema, names as in `path`); without it each is any string. */
  params?: core.$ZodType;
  body?: core.$ZodType;
  query?: core.$ZodType;
  /** Request headers the route reads (an object schema, names as sent), for the docs. */
  headers?: core.$ZodType;
  response?: core.$ZodType;
  /** Success status; 204 routes have no response body. */
  status: 200 | 201 | 202 | 204;
  /**
   * Other answers that are not problems, by status: a 202 while work is under way, health's 503.
   * `headers` names response headers from the document's table (openapi/response-headers.ts).
   */
  alternatives?: Record<number, { description: string; body: core.$ZodType; headers?: string[] }>;
  /**
   * The problems the handler itself may answer with. Those of the access (401, 403, 429, 503) and
   * of the inputs (400, 413, 415) are added from the spec (openapi/problems.ts); the document
   * lists each status with exactly these codes, and the fuzz run fails on any other.
   */
  problems?: readonly ProblemCode[];
};

/** What each route module receives: registers one route, with the guards its access demands. */
export type Define = (spec: RouteSpec, handler: Handler<AppEnv>) => void;

const registries = new WeakMap<object, RouteSpec[]>();

/**
 * Records a route's declaration for docs and tests, refusing one whose access cannot be served
 * safely. Called by the one function that mounts routes (guard/define-route.ts).
 */
export function recordRoute(app: object, spec: RouteSpec): void {
  const { access } = spec;
  // Non-fresh routes may act on a stale copy of the roles (a role change whose Redis update
  // failed), which is harmless only while they need nothing beyond what every role has.
  if (access.kind === "permission" && !access.fresh && !can(["USER"], access.permission))
    throw new Error(`${spec.method} ${spec.path}: ${access.permission} is privileged; declare it fresh`);
  const specs = registries.get(app) ?? [];
  specs.push(spec);
  registries.set(app, specs);
}

/** The routes registered on `app` through defineRoute. */
export function routeSpecsOf(app: object): readonly RouteSpec[] {
  return registries.get(app) ?? [];
}

export const PUBLIC: Access = { kind: "public" };
export const AUTHENTICATED: Access = { kind: "authenticated" };
export const needs = (permission: Permission, fresh = false): Access => ({
  kind: "permission",
  permission,
  fresh,
});
/** A privileged route that a stolen token must never reach: fresh, and only for key-bound sessions. */
export const needsBound = (permission: Permission): Access => ({
  kind: "permission",
  permission,
  fresh: true,
  bound: true,
});
