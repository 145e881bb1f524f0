import * as z from "zod/mini";
import { roleSchema } from "../auth/roles.ts";

/** Bodies that cross the worker <-> bridge boundary; both sides parse with these. */

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

export const loginVerifyRequestSchema = z.strictObject({
  message: text(1, 4096),
  signature: text(1, 200),
  ip: z.optional(text(0, 64)),
  userAgent: z.optional(text(0, 512)),
});
export type LoginVerifyRequest = z.infer<typeof loginVerifyRequestSchema>;

export const bridgeUserSchema = z.object({
  id: z.string(),
  address: z.string(),
  roles: z.array(roleSchema).check(z.minLength(1)),
  status: z.enum(["active", "locked", "disabled"]),
  lock: z.nullable(z.object({ reason: z.string(), until: z.nullable(z.string()) })),
  createdAt: z.string(),
  lastLoginAt: z.nullable(z.string()),
});
export type BridgeUser = z.infer<typeof bridgeUserSchema>;

export const userEnvelopeSchema = z.object({ user: bridgeUserSchema });

/** What a user id looks like on both sides (the bridge makes them). */
export const USER_ID_PATTERN = /^usr_[0-9a-f]{32}$/;

/**
 * The calling session's own user (the assertion's `sub`), as the bridge holds it now: the worker
 * reads it when a session's copy of the roles may be stale. Answers a userEnvelope, 404 when the
 * user does not exist.
 */
export const SESSION_USER_PATH = "/internal/v1/session-user";
export const userPageSchema = z.object({
  users: z.array(bridgeUserSchema),
  nextCursor: z.nullable(z.string()),
});
