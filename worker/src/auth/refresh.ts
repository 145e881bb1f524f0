import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import { recordAudit } from "../audit/outbox.ts";
import { settingsOf } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import { open, seal } from "../sessions/grace-box.ts";
import { hashSecret, parseRefreshToken, type RefreshToken } from "../sessions/refresh-token.ts";
import type { SessionStore, VerifiedSession } from "../sessions/store.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { refreshRoles } from "./fresh-roles.ts";
import { mintTokenPair, type TokenPairBody } from "./token-pair.ts";

/** A rotation that keeps finding its record changed under it (a storm of concurrent refreshes) gives up. */
const ATTEMPTS = 3;

/**
 * Rotation on every use. The token just replaced, retried within the grace window, gets the same
 * new pair (sealed under a key only that token derives); any older token ends the session.
 */
export async function refreshPair(c: Context<AppEnv>, refreshToken: string): Promise<TokenPairBody> {
  const presented = parseRefreshToken(refreshToken);
  if (!presented) throw refused();
  const sessions = sessionsOf(c);
  const presentedHash = await hashSecret(presented.secret);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Verified (MAC, lifetime, lockdown) on every attempt: a rotation never trusts an earlier read.
    const current = await sessions.current(presented.sid, Date.now());
    if (!current) throw refused();
    let session: VerifiedSession | undefined = current.session;
    // Refresh copies the session's roles into the new token: they must be the user's current
    // ones. Only a rotation mints with them (a replay or reuse does not), so only it re-reads.
    if (!current.rolesCurrent && presentedHash === session.stored.rh)
      session = (await refreshRoles(c, sessions, session)).session;
    const pair = session && (await rotateOnce(c, sessions, session, presented, presentedHash));
    if (pair) return pair;
  }
  throw new AppError("conflict", "The session changed while refreshing; try again.");
}

function refused(): AppError {
  return new AppError("invalid_token", "The refresh token is not valid.");
}

/** One compare-and-set rotation; undefined when the record changed since it was verified. */
async function rotateOnce(
  c: Context<AppEnv>,
  sessions: SessionStore,
  session: VerifiedSession,
  presented: RefreshToken,
  presentedHash: string,
): Promise<TokenPairBody | undefined> {
  const { record } = session;
  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  const pair = await mintTokenPair(ring, settingsOf(c.env), {
    userId: record.userId,
    address: record.address,
    roles: record.roles,
    sid: record.sid,
  });
  const sealed = await seal(JSON.stringify(pair.body), presented.secret, record.sid);
  const hashes = { presented: presentedHash, fresh: pair.refreshHash };
  const result = await sessions.rotate(session, hashes, sealed, Date.now());
  const actor = { id: record.userId, address: record.address };
  const target = { type: "session", id: record.sid };
  if (result.outcome === "changed") return undefined;
  if (result.outcome === "rotated") {
    await recordAudit(c, { type: "token_refresh", outcome: "success", actor, target });
    return pair.body;
  }
  if (result.outcome === "grace") {
    const replay = await open(result.sealedPair, presented.secret, record.sid);
    if (replay) return JSON.parse(replay) as TokenPairBody;
  }
  if (result.outcome === "reuse") {
    await recordAudit(c, {
      type: "refresh_reuse",
      outcome: "denied",
      actor,
      target,
      details: { action: "session_revoked" },
    });
    throw new AppError(
      "refresh_token_reused",
      "This refresh token was already used; the session has been ended.",
    );
  }
  throw refused();
}
