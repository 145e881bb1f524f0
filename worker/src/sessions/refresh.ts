import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import { recordAudit } from "../audit/outbox.ts";
import { bindingMissing, bindingRequired } from "../dpop/binding-policy.ts";
import { invalidProof, type VerifiedProof } from "../dpop/proof.ts";
import { fresh, proofHeaderOf, requestProof } from "../dpop/request-proof.ts";
import { settingsOf } from "../platform/config.ts";
import type { AppEnv } from "../platform/env.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { hashSecret, parseRefreshToken, type RefreshToken } from "../tokens/refresh-token.ts";
import { mintTokenPair, type TokenPairBody, tokenPairSchema } from "../tokens/token-pair.ts";
import { sessionsOf } from "./for-request.ts";
import { refreshRoles } from "./fresh-roles.ts";
import { open, seal } from "./grace-box.ts";
import type { SessionStore, VerifiedSession } from "./store.ts";
import { storedJson } from "./stored-json.ts";

/** A rotation that keeps finding its record changed under it (a storm of concurrent refreshes) gives up. */
const ATTEMPTS = 3;

/**
 * Rotation on every use. The token just replaced, retried within the grace window, gets the same
 * new pair (sealed under a key only that token derives); any older token ends the session.
 * A session bound to a key (DPoP) rotates only with a fresh proof signed by that key, checked
 * before anything else happens: a stolen refresh token alone can neither use nor end the session.
 */
export async function refreshPair(c: Context<AppEnv>, refreshToken: string): Promise<TokenPairBody> {
  const presented = parseRefreshToken(refreshToken);
  if (!presented) throw refused();
  const header = proofHeaderOf(c);
  const proof = header === undefined ? undefined : await requestProof(c, header);
  const sessions = sessionsOf(c);
  const presentedHash = await hashSecret(presented.secret);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Verified (MAC, lifetime, lockdown) on every attempt: a rotation never trusts an earlier read.
    const current = await sessions.current(presented.sid, Date.now());
    if (!current) throw refused();
    if (attempt === 0) await checkBinding(c, current.session, proof);
    let session: VerifiedSession | undefined = current.session;
    // Refresh copies the session's roles into the new token: they must be the user's current
    // ones. Only a rotation mints with them (a replay or reuse does not), so only it re-reads.
    if (!current.rolesCurrent && sessions.holdsCurrentRefresh(session, presentedHash))
      session = (await refreshRoles(c, sessions, session)).session;
    const pair = session && (await rotateOnce(c, sessions, session, presented, presentedHash));
    if (pair) return pair;
  }
  throw new AppError("conflict", "The session changed while refreshing; try again.");
}

/** A bound session needs a fresh proof by its key; a proof sent for a bearer session must still be valid. */
async function checkBinding(
  c: Context<AppEnv>,
  session: VerifiedSession,
  proof: VerifiedProof | undefined,
): Promise<void> {
  const { jkt, roles } = session.record;
  if (jkt === undefined) {
    if (bindingRequired(settingsOf(c.env).DPOP_REQUIRED, roles))
      throw bindingMissing("This session is not bound to a key, and its roles require one.");
  } else if (!proof) {
    throw bindingMissing("This session is bound to a key: refresh it with a DPoP proof signed by it.");
  } else if (proof.jkt !== jkt) {
    throw invalidProof("The DPoP proof is signed by another key than the session's.");
  }
  if (proof) await fresh(c, proof);
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
    jkt: record.jkt,
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
    const replay = await replayOf(result.sealedPair, presented, record.sid);
    if (replay) return replay;
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

/**
 * The pair sealed by the rotation this retry repeats. It decrypts only with the presented token,
 * and is parsed, not trusted: anything but a token pair is no replay.
 */
async function replayOf(
  box: string,
  presented: RefreshToken,
  sid: string,
): Promise<TokenPairBody | undefined> {
  const text = await open(box, presented.secret, sid);
  if (text === undefined) return undefined;
  const pair = tokenPairSchema.safeParse(storedJson(text));
  return pair.success ? pair.data : undefined;
}
