import type { Role } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import { SESSION_USER_PATH, userEnvelopeSchema } from "@tron-auth/shared/protocol";
import type { Context } from "hono";
import { bridgeJson } from "../bridge/calls.ts";
import { bridgeUnavailable } from "../bridge/client.ts";
import type { AppEnv } from "../platform/env.ts";
import type { SessionStore, VerifiedSession } from "./store.ts";

export type Refreshed = { roles: Role[]; session: VerifiedSession | undefined };

/**
 * A session whose copy of the roles may be stale (a role change since it was read) reads them
 * again from the bridge, the owner, and writes them into the session. The tag is taken first, so
 * a change committing during the read leaves the session untrusted again. Fails closed: the bridge
 * down is 503 (never the stale roles), a user gone, locked or disabled ends the session.
 * `session` in the result is the record as rewritten (undefined if it changed meanwhile or the
 * write failed).
 */
export async function refreshRoles(
  c: Context<AppEnv>,
  sessions: SessionStore,
  session: VerifiedSession,
): Promise<Refreshed> {
  const { userId, sid, roles } = session.record;
  const tag = await sessions.roleChanges.tagFor(userId);
  const user = await currentUser(c, userId, roles);
  if (!user || user.id !== userId || user.status !== "active") {
    await sessions.revoke(sid, userId);
    throw new AppError("session_revoked", "This session has ended. Sign in again.");
  }
  // Writing them back saves the next request the bridge call; the roles are confirmed either way.
  const rewritten = await sessions.setRoles(session, user.roles, tag).catch(() => undefined);
  return { roles: user.roles, session: rewritten };
}

async function currentUser(c: Context<AppEnv>, userId: string, roles: readonly Role[]) {
  try {
    const { user } = await bridgeJson(
      c.env,
      { sub: userId, roles, requestId: c.var.requestId },
      { method: "GET", path: SESSION_USER_PATH, schema: userEnvelopeSchema },
    );
    return user;
  } catch (error) {
    if (error instanceof AppError && error.problem.code === "not_found") return undefined;
    if (error instanceof AppError && error.problem.status >= 500) throw error;
    // Anything else from the bridge is its refusal of our call, not the caller's mistake.
    throw bridgeUnavailable("Your current roles could not be confirmed; try again shortly.", error);
  }
}
