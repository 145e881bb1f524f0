import type { RouteSpec } from "./routes.ts";

const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * The methods a path answers, for the `Allow` of a 405 and of OPTIONS (RFC 9110 15.5.6), or
 * undefined when no route has that path (a 404). HEAD comes with every GET (Hono answers it with
 * the GET route, without the body) and OPTIONS with every path (pages/assets.ts answers it).
 */
export function allowedMethods(specs: readonly RouteSpec[], pathname: string): string[] | undefined {
  const methods = new Set<string>();
  for (const spec of specs) {
    if (!patternOf(spec.path).test(pathname)) continue;
    const method = spec.method.toUpperCase();
    methods.add(method);
    if (method === "GET") methods.add("HEAD");
  }
  if (methods.size === 0) return undefined;
  methods.add("OPTIONS");
  return ORDER.filter((m) => methods.has(m));
}

const patterns = new Map<string, RegExp>();

/** Hono's `/v1/admin/users/:id` as a regular expression: a parameter is one non-empty segment. */
function patternOf(path: string): RegExp {
  let pattern = patterns.get(path);
  if (!pattern) {
    const source = path
      .split(/(:[A-Za-z0-9_]+)/)
      .map((part, i) => (i % 2 === 1 ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("");
    pattern = new RegExp(`^${source}$`);
    patterns.set(path, pattern);
  }
  return pattern;
}
