import {
  parseJsonBytes,
  parseWith,
  readBodyWithin,
  requireJsonContentType,
} from "@tron-auth/shared/problems";
import type { Context } from "hono";
import type * as core from "zod/v4/core";
import type { AppEnv } from "../platform/env.ts";

/** The body limit in bytes as sent; the OpenAPI document states it on every request body. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Reads a bounded JSON body and parses it with a schema: every caller mistake is a clear 4xx. */
export async function jsonBody<T extends core.$ZodType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<core.output<T>> {
  requireJsonContentType(c.req.header("content-type"));
  return parseWith(schema, parseJsonBytes(await readBodyWithin(c.req.raw, MAX_BODY_BYTES)));
}
