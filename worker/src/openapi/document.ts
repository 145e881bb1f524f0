import { PROBLEMS, type ProblemCode } from "@tron-auth/shared/problems";
import * as z from "zod/mini";
import type * as core from "zod/v4/core";
import { MAX_BODY_BYTES } from "../http/json-body.ts";
import type { RouteSpec } from "../http/routes.ts";
import { byStatus, problemsOf } from "./problems.ts";
import { headersFor, type ResponseHeaderName } from "./response-headers.ts";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: core.$ZodType): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    unrepresentable: "any",
    io: "input",
  }) as JsonSchema;
  return rest;
};

/**
 * How a caller authenticates: one entry per scheme, any one of which a non-public route accepts.
 * A new scheme (DPoP) is a new entry here.
 */
export const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
  dpop: {
    type: "http",
    scheme: "DPoP",
    bearerFormat: "JWT",
    description:
      "RFC 9449: `Authorization: DPoP <token>` for a session bound at sign-in, with a DPoP proof header on every request.",
  },
};

/** An RFC 9457 problem document whose `code` is one of `codes` (all of one status). */
function problemResponse(status: number, codes: readonly ProblemCode[]): JsonSchema {
  return {
    description: codes.map((code) => `\`${code}\`: ${PROBLEMS[code].title}`).join("; "),
    headers: headersFor(status),
    content: {
      "application/problem+json": {
        schema: {
          type: "object",
          required: ["type", "title", "status", "code"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { const: status },
            code: { enum: [...codes] },
            detail: { type: "string" },
            requestId: { type: "string" },
            retryAfter: { type: "integer", minimum: 0 },
            reason: { type: "string" },
          },
        },
      },
    },
  };
}

/** `/v1/admin/users/:id` -> `/v1/admin/users/{id}` and its path parameters. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function parametersOf(where: "path" | "query" | "header", source: core.$ZodType | undefined): JsonSchema[] {
  if (!source) return [];
  const schema = toSchema(source) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || (schema.required?.includes(name) ?? false),
    schema: s,
  }));
}

function pathParameters(spec: RouteSpec): JsonSchema[] {
  const declared = parametersOf("path", spec.params);
  return openApiPath(spec.path).params.map(
    (name) =>
      declared.find((p) => p.name === name) ?? {
        name,
        in: "path",
        required: true,
        schema: { type: "string" },
      },
  );
}

function json(description: string, schema: core.$ZodType | undefined, headers: JsonSchema): JsonSchema {
  return {
    description,
    headers,
    content: schema ? { "application/json": { schema: toSchema(schema) } } : {},
  };
}

/**
 * DPoP (RFC 9449): the proof header every request of a bound session carries (and a sign-in that
 * binds a new session, and its refreshes). Part of the DPoP scheme's credentials, like the
 * Authorization header, so never a required parameter: a bearer caller omits it, and on routes
 * only bound sessions may call its absence is a 401 like a missing token's.
 */
const DPOP_HEADER: JsonSchema = {
  name: "DPoP",
  in: "header",
  required: false,
  description:
    "A DPoP proof JWT (typ dpop+jwt, ES256 or EdDSA, public JWK in its header) for this method and URL; " +
    "with an access token, its ath. Required with a DPoP-bound session (and on routes that take only those). " +
    "Take the nonce from the DPoP-Nonce response header when sent.",
  schema: { type: "string", maxLength: 2048 },
};

const BINDS = new Set(["/v1/auth/login", "/v1/auth/refresh"]);

function securityOf(access: RouteSpec["access"]): JsonSchema {
  if (access.kind === "public") return { security: [] };
  return access.kind === "permission" && access.bound ? { security: [{ dpop: [] }] } : {};
}

function operation(spec: RouteSpec): JsonSchema {
  const access = spec.access;
  const responses: Record<string, JsonSchema> = {
    [String(spec.status)]:
      spec.status === 204
        ? { description: "No content", headers: headersFor(204) }
        : json("Success", spec.response, headersFor(spec.status)),
  };
  for (const [status, alt] of Object.entries(spec.alternatives ?? {}))
    responses[status] = json(
      alt.description,
      alt.body,
      headersFor(Number(status), alt.headers as ResponseHeaderName[]),
    );
  for (const [status, codes] of byStatus(problemsOf(spec))) {
    if (responses[String(status)])
      throw new Error(`${spec.method} ${spec.path}: ${status} is both a problem and not`);
    responses[String(status)] = problemResponse(status, codes);
  }
  return {
    summary: spec.summary,
    tags: [spec.tag],
    ...securityOf(access),
    ...(access.kind === "permission" ? { "x-permission": access.permission } : {}),
    parameters: [
      ...pathParameters(spec),
      ...parametersOf("query", spec.query),
      ...parametersOf("header", spec.headers),
      ...(access.kind !== "public" || BINDS.has(spec.path) ? [DPOP_HEADER] : []),
    ],
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            description: `At most ${MAX_BODY_BYTES} bytes as sent (413 payload_too_large), decided as it arrives: strings near their maxLength in characters of several bytes, or escaped, can exceed it.`,
            "x-max-body-bytes": MAX_BODY_BYTES,
            content: { "application/json": { schema: toSchema(spec.body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The document's `info.version` as generated; the route serves SERVICE_VERSION in its place. */
export const OPENAPI_VERSION_PLACEHOLDER = "0.0.0-generated";

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
    components: { securitySchemes: SECURITY_SCHEMES },
    security: Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] })),
    paths,
  };
}
