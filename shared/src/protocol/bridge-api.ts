import { z } from "zod";
import { roleSchema } from "../auth/roles.ts";

/** Bodies that cross the worker <-> bridge boundary; both sides parse with these. */

export const loginVerifyRequestSchema = z.strictObject({
  message: z.string().min(1).max(4096),
  signature: z.string().min(1).max(200),
  ip: z.string().max(64).optional(),
  userAgent: z.string().max(512).optional(),
});
export type LoginVerifyRequest = z.infer<typeof loginVerifyRequestSchema>;

export const bridgeUserSchema = z.object({
  id: z.string(),
  address: z.string(),
  roles: z.array(roleSchema).min(1),
  status: z.enum(["active", "locked", "disabled"]),
  lock: z.object({ reason: z.string(), until: z.string().nullable() }).nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type BridgeUser = z.infer<typeof bridgeUserSchema>;

export const userEnvelopeSchema = z.object({ user: bridgeUserSchema });
export const userPageSchema = z.object({
  users: z.array(bridgeUserSchema),
  nextCursor: z.string().nullable(),
});
