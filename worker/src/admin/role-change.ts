import { AppError } from "@tron-auth/shared/problems";
import { USER_ID_PATTERN } from "@tron-auth/shared/protocol";
import type { Context } from "hono";
import type { AppEnv } from "../platform/env.ts";
import type { ChangeEnd, SessionStore } from "../sessions/store.ts";

/**
 * An admin action that changes a user's roles or status at the bridge, bracketed so that no
 * session keeps trusting a copy of the roles older than the change: the change is recorded in
 * Redis first (if Redis cannot, 503 before anything changed), then the bridge commits, then the
 * change is closed, whatever the bridge answered. `apply` then updates the sessions. If closing
 * or applying fails, the change has still committed and the sessions' roles are merely untrusted
 * (refresh and privileged routes read them again from the bridge), so that is logged, not failed.
 */
export async function changeUser<T>(
  c: Context<AppEnv>,
  sessions: SessionStore,
  commit: () => Promise<T>,
  apply: (result: T, end: ChangeEnd) => Promise<unknown>,
): Promise<T> {
  const userId = c.req.param("id") ?? "";
  if (!USER_ID_PATTERN.test(userId)) throw new AppError("validation_failed", "Not a user id.");
  await sessions.roleChanges.begin(userId);
  let result: T;
  try {
    result = await commit();
  } catch (error) {
    // A timeout may still have committed: closing the change makes sessions re-read either way.
    await sessions.roleChanges.end(userId).catch(() => warn(c, "user change not closed in Redis"));
    throw error;
  }
  try {
    await apply(result, await sessions.roleChanges.end(userId));
  } catch {
    warn(c, "user changed at the bridge, sessions not updated; they re-read their roles");
  }
  return result;
}

function warn(c: Context<AppEnv>, msg: string): void {
  console.warn(JSON.stringify({ level: "warn", msg, requestId: c.var.requestId }));
}
