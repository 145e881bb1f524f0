import * as z from "zod/mini";
import type * as core from "zod/v4/core";
import type { RouteSpec } from "../http/routes.ts";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: core.$ZodType): JsonSchema =>
  z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as JsonSchema;

const problem: JsonSchema = {
  description: "RFC 9457 problem document with a stable `code`",
  content: {
    "application/problem+json": {
      schema: {
        type: "object",
        required: ["type", "title", "status", "code"],
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          code: { type: "string" },
          detail: { type: "string" },
          requestId: { type: "string" },
        },
      },
    },
  },
};

/** `/v1/admin/users/:id` -> `/v1/admin/users/{id}` and its path parameters. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function parametersOf(where: "query" | "header", source: core.$ZodType | undefined): JsonSchema[] {
  if (!source) return [];
  const schema = toSchema(source) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: schema.required?.includes(name) ?? false,
    schema: s,
  }));
}

/**
 * DPoP (RFC 9449): the proof header every request of a bound session carries (and a sign-in that
 * binds a new session, and its refreshes). Required on routes only bound sessions may call.
 */
function dpopHeader(required: boolean): JsonSchema {
  return {
    name: "DPoP",
    in: "header",
    required,
    description:
      "A DPoP proof JWT (typ dpop+jwt, ES256 or EdDSA, public JWK in its header) for this method and URL; " +
      "with an access token, its ath. Take the nonce from the DPoP-Nonce response header when sent.",
    schema: { type: "string", maxLength: 2048 },
  };
}

const BINDS = new Set(["/v1/auth/login", "/v1/auth/refresh"]);

function securityOf(access: RouteSpec["access"]): JsonSchema {
  if (access.kind === "public") return { security: [] };
  return access.kind === "permission" && access.bound ? { security: [{ dpop: [] }] } : {};
}

function operation(spec: RouteSpec): JsonSchema {
  const { params } = openApiPath(spec.path);
  const access = spec.access;
  const success: JsonSchema =
    spec.status === 204
      ? { description: "No content" }
      : {
          description: "Success",
          content: spec.response ? { "application/json": { schema: toSchema(spec.response) } } : {},
        };
  return {
    summary: spec.summary,
    tags: [spec.tag],
    ...securityOf(access),
    ...(access.kind === "permission" ? { "x-permission": access.permission } : {}),
    parameters: [
      ...params.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
      ...parametersOf("query", spec.query),
      ...parametersOf("header", spec.headers),
      ...(access.kind !== "public" || BINDS.has(spec.path)
        ? [dpopHeader(access.kind === "permission" && access.bound === true)]
        : []),
    ],
    ...(spec.body
      ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(spec.body) } } } }
      : {}),
    responses: {
      [String(spec.status)]: success,
      ...(spec.accepted
        ? {
            "202": {
              description: "Accepted: still under way; poll the Location",
              content: { "application/json": { schema: toSchema(spec.accepted) } },
            },
          }
        : {}),
      "4XX": problem,
      "5XX": problem,
    },
  };
}

/** OpenAPI 3.1 from the same route specs (and zod schemas) the app is built from. */
export function buildOpenApi(specs: readonly RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of specs) {
    const { path } = openApiPath(spec.path);
    paths[path] = { ...paths[path], [spec.method]: operation(spec) };
  }
  return {
    openapi: "3.1.0",
    info: { title: "tron-auth edge API", version },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        dpop: {
          type: "http",
          scheme: "DPoP",
          bearerFormat: "JWT",
          description:
            "RFC 9449: `Authorization: DPoP <token>` for a session bound at sign-in, with a DPoP proof header on every request.",
        },
      },
    },
    security: [{ bearer: [] }, { dpop: [] }],
    paths,
  };
}
