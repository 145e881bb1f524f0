import { AppError } from "@tron-auth/shared/problems";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeySchema } from "@tron-auth/shared/protocol";
import type { Context } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../platform/env.ts";

/** The header as documented on the routes that require it. */
export const idempotencyKeyHeaders = z.object({ [IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema });

/**
 * The request's Idempotency-Key: a bare token or, as the IETF draft writes it, a structured-field
 * string ("..."). Missing or malformed is the caller's mistake, a 400.
 */
export function idempotencyKeyOf(c: Context<AppEnv>): string {
  const raw = c.req.header(IDEMPOTENCY_KEY_HEADER)?.trim();
  const key = raw?.replace(/^"(.*)"$/, "$1");
  if (!key || !z.safeParse(idempotencyKeySchema, key).success) {
    throw new AppError(
      "idempotency_key_invalid",
      "Send an Idempotency-Key header: 16-128 characters (letters, digits, _ . : -), new for each signing request.",
    );
  }
  return key;
}
