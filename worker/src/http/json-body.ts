import { AppError, parseJsonBytes, parseWith, requireJsonContentType } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import type * as core from "zod/v4/core";
import type { AppEnv } from "../env.ts";

const MAX_BODY_BYTES = 16 * 1024;

/** Reads a bounded JSON body and parses it with a schema: every caller mistake is a clear 4xx. */
export async function jsonBody<T extends core.$ZodType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<core.output<T>> {
  requireJsonContentType(c.req.header("content-type"));
  const tooLarge = () => new AppError("payload_too_large", `The body is limited to ${MAX_BODY_BYTES} bytes.`);
  if (Number(c.req.header("content-length") ?? "0") > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
  return parseWith(schema, parseJsonBytes(bytes));
}
