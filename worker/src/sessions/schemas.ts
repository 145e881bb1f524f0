import * as z from "zod/mini";
import { SESSION_ID_PATTERN } from "../tokens/refresh-token.ts";

/** Session API bodies: defined in shared/ so the client library types its calls with them. */
export { meResponse, refreshRequest, sessionsResponse } from "@tron-auth/shared/protocol";
export const sessionIdSchema = z.string().check(z.regex(SESSION_ID_PATTERN));
