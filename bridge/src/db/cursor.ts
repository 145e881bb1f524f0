import { AppError } from "@tron-auth/shared/problems";
import { z } from "zod";

/** Opaque page cursors: base64url JSON, validated on the way back in (they come from clients). */
export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** A cursor is client input: a bad one is the caller's mistake (400), never a 500. */
const invalidCursor = () => new AppError("validation_failed", "The page cursor is not valid.");

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.infer<T> {
  if (cursor.length > 512) throw invalidCursor();
  let parsed: z.ZodSafeParseResult<z.infer<T>>;
  try {
    parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw invalidCursor();
  }
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

export const pageLimitSchema = z.coerce.number().int().min(1).max(200).default(50);
