import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import * as z from "zod/mini";
import type * as core from "zod/v4/core";

/**
 * The request's query checked against `schema` (400 `validation_failed` otherwise) and written
 * again from the parsed values only, as the query string of a call to the bridge: nothing the
 * schema does not name is passed on.
 */
export function forwardedQuery<T extends core.$ZodType>(c: Context, schema: T): string {
  const parsed = z.safeParse(schema, c.req.query());
  if (!parsed.success)
    throw new AppError(
      "validation_failed",
      parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "),
    );
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(parsed.data as Record<string, unknown>))
    if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : "";
}
