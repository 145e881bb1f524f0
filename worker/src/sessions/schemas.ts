import { roleSchema } from "@tron-auth/shared/auth";
import * as z from "zod/mini";
import { SESSION_ID_PATTERN } from "../tokens/refresh-token.ts";

/** Session API bodies (README "Public API"); OpenAPI is generated from these. */
export const refreshRequest = z.strictObject({
  refreshToken: z.string().check(z.minLength(1), z.maxLength(256)),
});
export const sessionsResponse = z.object({
  sessions: z.array(
    z.object({
      id: z.string(),
      createdAt: z.iso.datetime(),
      lastUsedAt: z.iso.datetime(),
      ip: z.string(),
      userAgent: z.string(),
      current: z.boolean(),
    }),
  ),
});
export const meResponse = z.object({
  id: z.string(),
  address: z.string(),
  roles: z.array(roleSchema),
  permissions: z.array(z.string()),
});
export const sessionIdSchema = z.string().check(z.regex(SESSION_ID_PATTERN));
