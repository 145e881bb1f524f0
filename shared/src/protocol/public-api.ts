import * as z from "zod/mini";
import { roleSchema } from "../auth/roles.ts";
import { tronAddressSchema } from "../siwt/address.ts";

/**
 * The public API's sign-in and session bodies (README "Public API"), defined once: the worker
 * validates and documents with them, the client library types its calls and checks its answers.
 */
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
/** The login and refresh response body. */
export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** `DPoP`: the session is bound to the key that signed the sign-in's proof (send `Authorization: DPoP`). */
  tokenType: z.enum(["Bearer", "DPoP"]),
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

export type ChallengeResponse = z.infer<typeof challengeResponse>;
export type TokenPair = z.infer<typeof tokenPairSchema>;
export type SessionList = z.infer<typeof sessionsResponse>;
export type SessionInfo = SessionList["sessions"][number];
export type Me = z.infer<typeof meResponse>;

/** What the pages learn from the worker at load (GET /v1/pages/config): deployment settings only. */
export const pageConfigSchema = z.object({
  /** The chain sign-in happens on (CAIP-2), for wallets that must be told before they connect. */
  chainId: z.nullable(z.string()),
  /** null: WalletConnect is not configured and the sign-in page does not offer it. */
  walletConnect: z.nullable(z.object({ projectId: z.string().check(z.regex(/^[0-9a-f]{32}$/)) })),
});
export type PageConfig = z.infer<typeof pageConfigSchema>;
