import type { NotFoundHandler } from "hono";
import { allowedMethods } from "../http/allowed-methods.ts";
import { renderMethodNotAllowed, renderNotFound } from "../http/errors.ts";
import type { RouteSpec } from "../http/routes.ts";
import type { AppEnv } from "../platform/env.ts";

/**
 * What no route matches. A path some route has, asked with another method: OPTIONS is 204 and
 * any other method 405 `method_not_allowed`, both with `Allow` (no CORS: the pages are served from
 * the API's own origin). Otherwise a GET for a page or its files goes to the static assets
 * (wrangler.toml [assets], with the worker run first so every page gets the security headers);
 * anything else, and everything under /v1/, is the API's problem+json 404.
 */
export const pagesOrNotFound =
  (specs: readonly RouteSpec[]): NotFoundHandler<AppEnv> =>
  async (c) => {
    const { pathname } = new URL(c.req.url);
    const allow = allowedMethods(specs, pathname);
    if (allow && c.req.method === "OPTIONS") return c.body(null, 204, { Allow: allow.join(", ") });
    if (allow) return renderMethodNotAllowed(c, allow);
    const assets = c.env.ASSETS;
    if (!assets || !["GET", "HEAD"].includes(c.req.method) || pathname.startsWith("/v1/"))
      return renderNotFound(c);
    const res = await assets.fetch(c.req.raw);
    if (res.status === 404) return renderNotFound(c);
    // A fetched response's headers are immutable; the security headers are set on the way out.
    return new Response(res.body, res);
  };
