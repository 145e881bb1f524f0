import { parseJsonBytes, parseWith, requireJsonContentType } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import type * as core from "zod/v4/core";
import type { BridgeEnv } from "./types.ts";

export { parseWith };

/**
 * Parses the already-read body (see the assertion middleware) as JSON against a schema. Mongo
 * operator injection (`{"$ne": ...}`) dies here: schemas accept only the plain values they name.
 */
export function jsonBody<T extends core.$ZodType>(c: Context<BridgeEnv>, schema: T): core.output<T> {
  requireJsonContentType(c.req.header("content-type"));
  return parseWith(schema, parseJsonBytes(c.var.rawBody));
}
