import { can, type Permission, type Role } from "@tron-auth/shared/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { defineRoute } from "../src/guard/define-route.ts";
import { type RouteSpec, routeSpecsOf } from "../src/http/routes.ts";
import { actorWithRole, call, superAdmin } from "./support/edge.ts";

const app = createApp();
const specs = routeSpecsOf(app);
type Who = "anonymous" | Role;
const WHO: Who[] = ["anonymous", "USER", "NODE_OPERATOR", "ADMIN", "SUPER_ADMIN"];

/**
 * The access policy, written out independently of the code: a route missing here, or declared
 * differently in its defineRoute, fails. "public" and "authenticated" or a permission name.
 */
const POLICY: Record<string, "public" | "authenticated" | Permission> = {
  "GET /health": "public",
  "GET /.well-known/jwks.json": "public",
  "GET /openapi.json": "public",
  "POST /v1/auth/challenge": "public",
  "POST /v1/auth/login": "public",
  "POST /v1/auth/refresh": "public",
  "POST /v1/auth/logout": "authenticated",
  "GET /v1/auth/sessions": "sessions:read",
  "DELETE /v1/auth/sessions/:id": "sessions:revoke",
  "GET /v1/me": "profile:read",
  "GET /v1/admin/users": "users:read",
  "GET /v1/admin/users/:id": "users:read",
  "PUT /v1/admin/users/:id/roles": "roles:grant",
  "POST /v1/admin/users/:id/lock": "users:lock",
  "POST /v1/admin/users/:id/unlock": "users:lock",
  "GET /v1/admin/audit": "audit:read",
  "GET /v1/admin/audit/verify": "audit:read",
  "GET /v1/admin/lockdown": "lockdown:manage",
  "POST /v1/admin/lockdown": "lockdown:manage",
  "DELETE /v1/admin/lockdown": "lockdown:manage",
  "GET /v1/wallet": "wallet:read",
  "GET /v1/wallet/policy": "wallet:read",
  "GET /v1/wallet/signatures": "audit:read",
  "GET /v1/pages/config": "public",
  "POST /v1/wallet/sign-transaction": "wallet:sign",
  "POST /v1/wallet/sign-message": "wallet:sign",
  "GET /v1/wallet/operations/:id": "wallet:sign",
};

const keyOf = (spec: RouteSpec) => `${spec.method.toUpperCase()} ${spec.path}`;

function allowed(spec: RouteSpec, who: Who): boolean {
  const policy = POLICY[keyOf(spec)];
  if (policy === undefined) throw new Error(`${keyOf(spec)} is not in the test's POLICY`);
  if (policy === "public") return true;
  if (who === "anonymous") return false;
  return policy === "authenticated" || can([who], policy);
}

/** Logout ends the caller's session: it runs last, so every other cell uses a live session. */
const ordered = [...specs].sort(
  (a, b) => Number(a.path === "/v1/auth/logout") - Number(b.path === "/v1/auth/logout"),
);

describe("role x route matrix", () => {
  const tokens = new Map<Who, string | undefined>();

  beforeAll(async () => {
    tokens.set("anonymous", undefined);
    tokens.set("SUPER_ADMIN", (await superAdmin({ env: {} })).accessToken);
    for (const role of ["USER", "NODE_OPERATOR", "ADMIN"] as const)
      tokens.set(role, (await actorWithRole(role)).pair.accessToken);
  });

  it("declares, for every route, the access the policy gives it", () => {
    const declared = Object.fromEntries(
      specs.map((s) => [keyOf(s), s.access.kind === "permission" ? s.access.permission : s.access.kind]),
    );
    expect(declared).toEqual(POLICY);
  });

  it("reads every route needing more than a USER's permissions fresh, and refuses to define one that is not", () => {
    for (const spec of specs) {
      if (spec.access.kind !== "permission" || can(["USER"], spec.access.permission)) continue;
      expect([keyOf(spec), spec.access.fresh]).toEqual([keyOf(spec), true]);
    }
    const spec: RouteSpec = {
      method: "get",
      path: "/x",
      access: { kind: "permission", permission: "wallet:read", fresh: false },
      summary: "x",
      tag: "x",
      status: 200,
    };
    expect(() => defineRoute(createApp(), spec, (c) => c.body(null))).toThrow(/declare it fresh/);
  });

  it("declares every route the app serves, and serves every route it declares", () => {
    const served = app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`);
    const declared = specs.map((s) => `${s.method.toUpperCase()} ${s.path}`);
    expect([...new Set(served)].sort()).toEqual([...declared].sort());
    expect(declared.length).toBeGreaterThan(15);
  });

  for (const spec of ordered) {
    it(`${spec.method.toUpperCase()} ${spec.path}: ${spec.access.kind === "permission" ? spec.access.permission : spec.access.kind}`, async () => {
      const path = spec.path.replace(/:[A-Za-z]+/g, "x");
      const cells: string[] = [];
      for (const who of WHO) {
        const token = tokens.get(who);
        const res = await call(path, {
          method: spec.method.toUpperCase(),
          ...(token ? { token } : {}),
          // An empty body: allowed callers get past the guard to validation (400), never 401/403.
          ...(spec.method === "get" || spec.method === "delete" ? {} : { body: {} }),
        });
        const expected = allowed(spec, who) ? "allowed" : who === "anonymous" ? "401" : "403 forbidden";
        const actual =
          res.status === 401
            ? "401"
            : res.status === 403 && res.body.code === "forbidden"
              ? "403 forbidden"
              : "allowed";
        cells.push(
          `${who}: ${actual === expected ? "ok" : `expected ${expected}, got ${res.status} ${res.body.code}`}`,
        );
      }
      expect(cells).toEqual(WHO.map((w) => `${w}: ok`));
    });
  }
});
