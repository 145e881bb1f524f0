import { z } from "zod";

/** Opaque page cursors: base64url JSON, validated on the way back in (they come from clients). */
export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export class InvalidCursorError extends Error {
  constructor() {
    super("invalid page cursor");
    this.name = "InvalidCursorError";
  }
}

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.infer<T> {
  if (cursor.length > 512) throw new InvalidCursorError();
  let parsed: z.ZodSafeParseResult<z.infer<T>>;
  try {
    parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new InvalidCursorError();
  }
  if (!parsed.success) throw new InvalidCursorError();
  return parsed.data;
}

export const pageLimitSchema = z.coerce.number().int().min(1).max(200).default(50);
