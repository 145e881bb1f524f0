import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env.ts";

const MAX_BODY_BYTES = 16 * 1024;

/** Reads a bounded JSON body and parses it with a schema: every caller mistake is a clear 4xx. */
export async function jsonBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json(\s*;|$)/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as application/json.");
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES)
    throw new AppError("payload_too_large", `The body is limited to ${MAX_BODY_BYTES} bytes.`);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES)
    throw new AppError("payload_too_large", `The body is limited to ${MAX_BODY_BYTES} bytes.`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues
    .slice(0, 20)
    .map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new AppError("validation_failed", "The request does not match the expected shape.", { errors });
}
