import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { routeSpecsOf } from "../src/http/routes.ts";
import { openApiPath } from "../src/openapi/document.ts";
import { call } from "./support/edge.ts";

type Operation = {
  security?: unknown[];
  "x-permission"?: string;
  requestBody?: unknown;
  parameters?: { name: string; in: string }[];
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe("GET /openapi.json", () => {
  it("documents exactly the routes the app serves", async () => {
    const res = await call<Doc>("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const documented = Object.entries(res.body.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const served = createApp()
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${openApiPath(r.path).path}`);
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
  });

  it("carries the access, bodies and parameters of each route", async () => {
    const doc = (await call<Doc>("/openapi.json")).body;
    const login = doc.paths["/v1/auth/login"]?.post;
    expect(login?.security).toEqual([]);
    expect(login?.requestBody).toBeDefined();
    const roles = doc.paths["/v1/admin/users/{id}/roles"]?.put;
    expect(roles?.["x-permission"]).toBe("roles:grant");
    expect(roles?.parameters).toContainEqual(expect.objectContaining({ name: "id", in: "path" }));
    const users = doc.paths["/v1/admin/users"]?.get;
    expect(users?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(["role", "cursor", "limit"]),
    );
    const sign = doc.paths["/v1/wallet/sign-transaction"]?.post as Operation & {
      responses?: Record<string, unknown>;
    };
    expect(sign?.parameters).toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }),
    );
    expect(Object.keys(sign?.responses ?? {})).toEqual(expect.arrayContaining(["200", "202"]));
    expect(doc.paths["/v1/wallet/operations/{id}"]?.get?.["x-permission"]).toBe("wallet:sign");
    expect(doc.paths["/v1/wallet/sign-message"]?.post?.security).toEqual([{ dpop: [] }]);
    const dpop = doc.paths["/v1/wallet/sign-message"]?.post?.parameters?.find((p) => p.name === "DPoP");
    expect(dpop).toMatchObject({ in: "header", required: true });
    for (const spec of routeSpecsOf(createApp())) {
      const op = doc.paths[openApiPath(spec.path).path]?.[spec.method];
      if (spec.access.kind === "public") expect(op?.security).toEqual([]);
      // Routes only key-bound sessions may call name the DPoP scheme alone; the rest take either.
      else if (spec.access.kind === "permission" && spec.access.bound)
        expect(op?.security).toEqual([{ dpop: [] }]);
      else expect(op?.security).toBeUndefined();
    }
  });
});
