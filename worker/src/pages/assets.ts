import type { NotFoundHandler } from "hono";
import { renderNotFound } from "../http/errors.ts";
import type { AppEnv } from "../platform/env.ts";

/**
 * What no route matches: a GET for a page or its files goes to the static assets (wrangler.toml
 * [assets], with the worker run first so every page gets the security headers); anything else,
 * and everything under /v1/, is the API's problem+json 404.
 */
export const pagesOrNotFound: NotFoundHandler<AppEnv> = async (c) => {
  const { pathname } = new URL(c.req.url);
  const assets = c.env.ASSETS;
  if (!assets || !["GET", "HEAD"].includes(c.req.method) || pathname.startsWith("/v1/"))
    return renderNotFound(c);
  const res = await assets.fetch(c.req.raw);
  if (res.status === 404) return renderNotFound(c);
  // A fetched response's headers are immutable; the security headers are set on the way out.
  return new Response(res.body, res);
};
