import * as z from "zod/mini";
import { roleSchema } from "../auth/roles.ts";
import { USER_ID_PATTERN } from "./bridge-api.ts";

/**
 * The admin API's inputs, with every constraint the bridge enforces on them, so the worker
 * refuses the same requests and the OpenAPI document states them (README "Reliability / contract").
 */

export const userIdSchema = z.string().check(z.regex(USER_ID_PATTERN, "a user id (usr_ and 32 hex digits)"));
/** The path of a route about one user. */
export const userPathParams = z.object({ id: userIdSchema });

/**
 * Page cursors are opaque (base64url of the bridge's own position record, at most 512 characters):
 * only a `nextCursor` the API returned is valid; any other value is 400 `validation_failed`.
 */
export const pageCursorSchema = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9_-]{1,512}$/, "a nextCursor returned by the API"),
    z.meta({ description: "Opaque: a nextCursor the API returned, unchanged; anything else is 400." }),
  );
const pageLimit = z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)));
/** Audit event types: lower-case words joined by `_` or `.` (login_failure, wallet.sign). */
export const AUDIT_TYPE_PATTERN = /^[a-z][a-z0-9_.]{1,63}$/;

export const usersQuery = z.strictObject({
  role: z.optional(roleSchema),
  cursor: z.optional(pageCursorSchema),
  limit: pageLimit,
});
export const rolesBody = z.strictObject({ roles: z.array(roleSchema).check(z.minLength(1), z.maxLength(4)) });
export const lockBody = z.strictObject({
  // Bounded before trimming, so the document's maxLength is the rule; \S: not blank once trimmed.
  reason: z.string().check(z.maxLength(256), z.regex(/\S/, "not blank"), z.trim()),
  until: z.optional(
    z.iso.datetime({ offset: true }).check(
      z.meta({
        description:
          "When the lock lapses; must be in the future (400 otherwise), which a schema cannot state. Without it the lock lasts until unlocked.",
      }),
    ),
  ),
});

/**
 * Engage a lockdown: at least one of `signing` and `sessions` is true. Written as the two shapes
 * that satisfy that, so the document states the rule (anyOf) instead of a refinement it cannot show.
 */
export const lockdownBody = z.union([
  z.strictObject({ signing: z.literal(true), sessions: z.optional(z.boolean()) }),
  z.strictObject({ signing: z.optional(z.boolean()), sessions: z.literal(true) }),
]);
