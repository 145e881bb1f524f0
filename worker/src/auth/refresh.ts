import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import { recordAudit } from "../audit/outbox.ts";
import { settingsOf } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { redisFor, redisOp } from "../redis.ts";
import { endedByLockdown } from "../sessions/epoch.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import { open, seal } from "../sessions/grace-box.ts";
import { hashSecret, parseRefreshToken } from "../sessions/refresh-token.ts";
import { sessionKeys } from "../sessions/store.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { mintTokenPair, type TokenPairBody } from "./token-pair.ts";

/**
 * Rotation on every use. The token just replaced, retried within the grace window, gets the same
 * new pair (sealed under a key only that token derives); any older token ends the session.
 */
export async function refreshPair(c: Context<AppEnv>, refreshToken: string): Promise<TokenPairBody> {
  const presented = parseRefreshToken(refreshToken);
  const refused = new AppError("invalid_token", "The refresh token is not valid.");
  if (!presented) throw refused;
  const sessions = sessionsOf(c);
  const session = await sessions.get(presented.sid);
  if (!session) throw refused;
  const epoch = await redisOp(() => redisFor(c.env).get<string>(sessionKeys.EPOCH_KEY));
  if (endedByLockdown(epoch, session.sid, session.loginAt)) {
    await sessions.revoke(session.sid, session.userId);
    throw refused;
  }

  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  const pair = await mintTokenPair(ring, settingsOf(c.env), {
    userId: session.userId,
    address: session.address,
    roles: session.roles,
    sid: session.sid,
  });
  const sealed = await seal(JSON.stringify(pair.body), presented.secret, session.sid);
  const hashes = { presented: await hashSecret(presented.secret), fresh: pair.refreshHash };
  const result = await sessions.rotate(session.sid, session.userId, hashes, sealed, Date.now());
  const actor = { id: session.userId, address: session.address };
  const target = { type: "session", id: session.sid };
  if (result.outcome === "rotated") {
    await recordAudit(c, { type: "token_refresh", outcome: "success", actor, target });
    return pair.body;
  }
  if (result.outcome === "grace") {
    const replay = await open(result.sealedPair, presented.secret, session.sid);
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
  throw refused;
}
