import { PROBLEMS } from "@tron-auth/shared/problems";
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
    expect(dpop).toMatchObject({ in: "header", required: false });
    for (const spec of routeSpecsOf(createApp())) {
      const op = doc.paths[openApiPath(spec.path).path]?.[spec.method];
      if (spec.access.kind === "public") expect(op?.security).toEqual([]);
      // Routes only key-bound sessions may call name the DPoP scheme alone; the rest take either.
      else if (spec.access.kind === "permission" && spec.access.bound)
        expect(op?.security).toEqual([{ dpop: [] }]);
      else expect(op?.security).toBeUndefined();
    }
  });

  it("lists every problem a route can answer, by status and code, with the headers each carries", async () => {
    type Response = {
      headers?: Record<string, { required: boolean }>;
      content?: Record<
        string,
        { schema: { properties: { code: { enum: string[] }; status: { const: number } } } }
      >;
    };
    const doc = (await call<Doc>("/openapi.json")).body as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            responses: Record<string, Response>;
            parameters: { name: string; schema: { pattern?: string } }[];
            requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
          }
        >
      >;
    };
    const codes = (r: Response | undefined) =>
      r?.content?.["application/problem+json"]?.schema.properties.code.enum;
    const me = doc.paths["/v1/me"]?.get?.responses;
    expect(codes(me?.["401"])).toEqual([
      "dpop_required",
      "invalid_dpop_proof",
      "invalid_token",
      "session_revoked",
      "token_expired",
      "unauthorized",
      "use_dpop_nonce",
    ]);
    expect(me?.["200"]?.headers?.["DPoP-Nonce"]?.required).toBe(false);
    expect(me?.["401"]?.headers?.["WWW-Authenticate"]?.required).toBe(true);
    expect(me?.["429"]?.headers?.["Retry-After"]?.required).toBe(true);
    expect(me?.["200"]?.headers?.["RateLimit-Remaining"]?.required).toBe(false);
    // A public route is never refused for its token, and only a route with a body for its size.
    const jwks = doc.paths["/.well-known/jwks.json"]?.get?.responses ?? {};
    expect(Object.keys(jwks).sort()).toEqual(["200", "429", "503"]);
    const lock = doc.paths["/v1/admin/users/{id}/lock"]?.post;
    expect(codes(lock?.responses["403"])).toEqual(["forbidden", "self_role_change", "target_outranks_actor"]);
    expect(codes(lock?.responses["413"])).toEqual(["payload_too_large"]);
    expect(lock?.parameters.find((p) => p.name === "id")?.schema.pattern).toBe("^usr_[0-9a-f]{32}$");
    // The lockdown's "signing and/or sessions" is stated as the two shapes that satisfy it.
    const lockdown = doc.paths["/v1/admin/lockdown"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(lockdown?.anyOf).toHaveLength(2);
    const sign = doc.paths["/v1/wallet/sign-message"]?.post?.responses;
    expect(codes(sign?.["423"])).toEqual(["signing_frozen", "wallet_locked"]);
    expect(sign?.["202"]?.headers?.Location?.required).toBe(true);
    // Every listed code answers with the status it is listed under.
    for (const operations of Object.values(doc.paths))
      for (const op of Object.values(operations))
        for (const [status, response] of Object.entries(op.responses))
          for (const code of codes(response) ?? [])
            expect([code, PROBLEMS[code as keyof typeof PROBLEMS].status]).toEqual([code, Number(status)]);
  });
});
