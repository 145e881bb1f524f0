import { parseJsonBytes, parseWith, requireJsonContentType } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import type { z } from "zod";
import type { BridgeEnv } from "./types.ts";

export { parseWith };

/**
 * Parses the already-read body (see the assertion middleware) as JSON against a schema. Mongo
 * operator injection (`{"$ne": ...}`) dies here: schemas accept only the plain values they name.
 */
export function jsonBody<T extends z.ZodType>(c: Context<BridgeEnv>, schema: T): z.infer<T> {
  requireJsonContentType(c.req.header("content-type"));
  return parseWith(schema, parseJsonBytes(c.var.rawBody));
}
