import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { routeSpecsOf } from "../src/http/routes.ts";
import { call } from "./support/edge.ts";

/**
 * A path some route has, asked with a method none of its routes answers: 405 with Allow (RFC
 * 9110), never 404, and before any guard (the method is wrong whoever asks). OPTIONS answers 204
 * with the same Allow; HEAD is answered wherever GET is.
 */
describe("methods on known paths", () => {
  it("answers 405 method_not_allowed with Allow listing exactly the path's methods", async () => {
    const res = await call("/v1/auth/login", { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.code).toBe("method_not_allowed");
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");

    const lockdown = await call("/v1/admin/lockdown", { method: "PUT" });
    expect([lockdown.status, lockdown.headers.get("allow")]).toEqual([
      405,
      "GET, HEAD, POST, DELETE, OPTIONS",
    ]);
    // A path parameter matches any one segment.
    const user = await call("/v1/admin/users/usr_0/lock", { method: "DELETE" });
    expect([user.status, user.headers.get("allow")]).toEqual([405, "POST, OPTIONS"]);
    for (const method of ["PATCH", "TRACE"]) {
      const me = await call("/v1/me", { method });
      expect([method, me.status, me.headers.get("allow")]).toEqual([method, 405, "GET, HEAD, OPTIONS"]);
    }
  });

  it("lists in Allow every method a route declares, for every path the app serves", async () => {
    const specs = routeSpecsOf(createApp());
    for (const spec of specs) {
      const path = spec.path.replace(/:[A-Za-z0-9_]+/g, "x");
      const res = await call(path, { method: "OPTIONS" });
      expect([path, res.status]).toEqual([path, 204]);
      const allow = res.headers.get("allow")?.split(", ") ?? [];
      const declared = specs.filter((s) => s.path === spec.path).map((s) => s.method.toUpperCase());
      expect(allow.filter((m) => m !== "HEAD" && m !== "OPTIONS").sort()).toEqual(declared.sort());
    }
  });

  it("still answers 404 for a path no route has, and HEAD like GET without the body", async () => {
    const unknown = await call("/v1/nothing-here", { method: "DELETE" });
    expect([unknown.status, unknown.body.code, unknown.headers.get("allow")]).toEqual([
      404,
      "not_found",
      null,
    ]);
    const head = await call("/health", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toEqual({});
    // HEAD on a path without GET is a wrong method too.
    const headLogin = await call("/v1/auth/login", { method: "HEAD" });
    expect([headLogin.status, headLogin.headers.get("allow")]).toEqual([405, "POST, OPTIONS"]);
  });
});
