import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import type { z } from "zod";
import type { BridgeEnv } from "./types.ts";

/**
 * Parses the already-read body (see the assertion middleware) as JSON against a schema. Mongo
 * operator injection (`{"$ne": ...}`) dies here: schemas accept only the plain values they name.
 */
export function jsonBody<T extends z.ZodType>(c: Context<BridgeEnv>, schema: T): z.infer<T> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json(\s*;|$)/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as application/json.");
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(c.var.rawBody));
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  return parseWith(schema, value);
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues
    .slice(0, 20)
    .map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new AppError("validation_failed", "The request does not match the expected shape.", { errors });
}
