import { tronAddressSchema } from "@tron-auth/shared/siwt";
import * as z from "zod/mini";

/** Sign-in request and response bodies (README "Public API"); OpenAPI is generated from these. */
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
