import * as z from "zod/mini";
import type * as core from "zod/v4/core";
import { AppError } from "./problem.ts";

/** UTF-8 JSON from bytes, or a 400 `bad_request` (never a 500 for the caller's mistake). */
export function parseJsonBytes(bytes: ArrayBuffer | Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
}

/** Schema validation with a 400 `validation_failed` listing (at most 20) field issues. */
export function parseWith<T extends core.$ZodType>(schema: T, value: unknown): core.output<T> {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues
    .slice(0, 20)
    .map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new AppError("validation_failed", "The request does not match the expected shape.", { errors });
}

export function requireJsonContentType(contentType: string | undefined): void {
  if (!/^application\/json(\s*;|$)/i.test(contentType ?? "")) {
    throw new AppError("unsupported_media_type", "Send the body as application/json.");
  }
}
