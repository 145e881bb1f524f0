import type { Hono } from "hono";
import * as z from "zod/mini";
import type { Define } from "../http/routes.ts";
import { PUBLIC, routeSpecsOf } from "../http/routes.ts";
import type { AppEnv } from "../platform/env.ts";
import { buildOpenApi } from "./document.ts";

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
