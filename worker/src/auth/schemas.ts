import { roleSchema } from "@tron-auth/shared/auth";
import { tronAddressSchema } from "@tron-auth/shared/siwt";
import * as z from "zod/mini";

/** Public API bodies (the contract in README "Public API"); OpenAPI is generated from these. */
export const challengeRequest = z.strictObject({
  address: tronAddressSchema,
  chainId: z.optional(z.string().check(z.maxLength(32))),
});
export const challengeResponse = z.object({
  message: z.string(),
  nonce: z.string(),
  expiresAt: z.iso.datetime(),
});
export const loginRequest = z.strictObject({
  message: z.string().check(z.minLength(1), z.maxLength(4096)),
  signature: z.string().check(z.minLength(1), z.maxLength(200)),
});
export const refreshRequest = z.strictObject({
  refreshToken: z.string().check(z.minLength(1), z.maxLength(256)),
});
export const tokenPairResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal("Bearer"),
  expiresIn: z.int(),
  user: z.object({ id: z.string(), address: z.string(), roles: z.array(roleSchema) }),
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
export const sessionIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/));
