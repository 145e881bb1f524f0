import type { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env.ts";
import type { Define } from "../http/define.ts";
import { PUBLIC, routeSpecsOf } from "../http/routes.ts";
import { buildOpenApi } from "../openapi/document.ts";

export function registerOpenApiRoute(define: Define, app: Hono<AppEnv>): void {
  let cached: Record<string, unknown> | undefined;
  define(
    {
      method: "get",
      path: "/openapi.json",
      access: PUBLIC,
      tag: "docs",
      status: 200,
      summary: "This document",
      response: z.record(z.string(), z.unknown()),
    },
    (c) => {
      cached ??= buildOpenApi(routeSpecsOf(app), c.env.SERVICE_VERSION ?? "1.0.0");
      return c.json(cached, 200, { "Cache-Control": "public, max-age=300" });
    },
  );
}
