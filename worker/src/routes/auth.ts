import { AppError } from "@tron-auth/shared/problems";
import { userEnvelopeSchema } from "@tron-auth/shared/protocol";
import {
  buildSiwtMessage,
  generateNonce,
  parseSiwtMessage,
  tronAddressSchema,
  validateSiwtMessage,
} from "@tron-auth/shared/siwt";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { consumeNonce, storeNonce } from "../auth/nonces.ts";
import { requireAuth } from "../auth/require-auth.ts";
import { mintTokenPair, type TokenPairBody } from "../auth/token-pair.ts";
import { reportLoginFailure } from "../bridge/audit.ts";
import { bridgeJson } from "../bridge/calls.ts";
import { settingsOf } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { inBackground } from "../http/background.ts";
import { jsonBody } from "../http/json-body.ts";
import { clientIp } from "../http/request-id.ts";
import { redisFor } from "../redis.ts";
import { open, seal } from "../sessions/grace-box.ts";
import { hashSecret, newSessionId, parseRefreshToken } from "../sessions/refresh-token.ts";
import { SessionStore } from "../sessions/store.ts";
import { keyRingFrom } from "../tokens/keys.ts";

const challengeSchema = z.strictObject({
  address: tronAddressSchema,
  chainId: z.string().max(32).optional(),
});
const loginSchema = z.strictObject({
  message: z.string().min(1).max(4096),
  signature: z.string().min(1).max(200),
});
const refreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(256) });
const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

/** One message for every login refusal: the precise reason goes to the audit log, not the client. */
const LOGIN_REFUSED = "The sign-in could not be verified.";

function sessionsOf(c: Context<AppEnv>): SessionStore {
  const s = settingsOf(c.env);
  return new SessionStore(redisFor(c.env), {
    lifetimeSeconds: s.REFRESH_TOKEN_EXPIRE_DAYS * 86_400,
    maxPerUser: s.MAX_SESSIONS_PER_USER,
    graceSeconds: s.REFRESH_GRACE_SECONDS,
  });
}

async function challenge(c: Context<AppEnv>) {
  const s = settingsOf(c.env);
  const body = await jsonBody(c, challengeSchema);
  if (body.chainId !== undefined && body.chainId !== s.SIWT_CHAIN_ID) {
    throw new AppError("validation_failed", `This service signs in on ${s.SIWT_CHAIN_ID}.`);
  }
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiresAt = new Date(now.getTime() + s.CHALLENGE_TTL_SECONDS * 1000);
  const nonce = generateNonce();
  const message = buildSiwtMessage({
    domain: s.SIWT_DOMAIN,
    address: body.address,
    statement: s.SIWT_STATEMENT,
    uri: s.SIWT_URI,
    version: "1",
    chainId: s.SIWT_CHAIN_ID,
    nonce,
    issuedAt: now.toISOString(),
    expirationTime: expiresAt.toISOString(),
  });
  await storeNonce(redisFor(c.env), nonce, body.address, s.CHALLENGE_TTL_SECONDS);
  return c.json({ message, nonce, expiresAt: expiresAt.toISOString() });
}

async function login(c: Context<AppEnv>) {
  const s = settingsOf(c.env);
  const body = await jsonBody(c, loginSchema);
  const address = await checkAtEdge(c, body.message);
  const verified = await verifyAtBridge(c, body);
  const user = verified.user;
  if (user.address !== address) throw new AppError("login_failed", LOGIN_REFUSED);

  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  const sid = newSessionId();
  const pair = await mintTokenPair(ring, s, {
    userId: user.id,
    address: user.address,
    roles: user.roles,
    sid,
  });
  await sessionsOf(c).create(
    {
      sid,
      userId: user.id,
      address: user.address,
      roles: user.roles,
      refreshHash: pair.refreshHash,
      ip: clientIp(c.req),
      userAgent: (c.req.header("user-agent") ?? "").slice(0, 256),
    },
    Date.now(),
  );
  return c.json(pair.body);
}

/**
 * The edge's own checks: the message names this service, is fresh, and carries a nonce this
 * worker issued for this address, consumed now so the message can never be used twice.
 */
async function checkAtEdge(c: Context<AppEnv>, text: string): Promise<string> {
  const s = settingsOf(c.env);
  let address: string | undefined;
  try {
    const message = parseSiwtMessage(text);
    address = message.address;
    validateSiwtMessage(message, {
      domain: s.SIWT_DOMAIN,
      uri: s.SIWT_URI,
      chainId: s.SIWT_CHAIN_ID,
      now: new Date(),
    });
    if (!(await consumeNonce(redisFor(c.env), message.nonce, message.address)))
      throw new AppError("nonce_invalid");
    return message.address;
  } catch (error) {
    if (error instanceof AppError && error.problem.status >= 500) throw error;
    const reason = reasonOf(error);
    await inBackground(
      c,
      reportLoginFailure(c.env, c.var.requestId, { reason, ...clientOf(c), ...(address ? { address } : {}) }),
    );
    throw new AppError("login_failed", LOGIN_REFUSED);
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.problem.code;
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  return typeof code === "string" ? code : "siwt_malformed";
}

function clientOf(c: Context<AppEnv>): { ip?: string; userAgent?: string } {
  const ip = clientIp(c.req);
  const userAgent = (c.req.header("user-agent") ?? "").slice(0, 512);
  return { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) };
}

async function verifyAtBridge(c: Context<AppEnv>, body: z.infer<typeof loginSchema>) {
  try {
    return await bridgeJson(
      c.env,
      { sub: "anonymous", roles: [], requestId: c.var.requestId },
      {
        method: "POST",
        path: "/internal/v1/login/verify",
        schema: userEnvelopeSchema,
        payload: { ...body, ...clientOf(c) },
      },
    );
  } catch (error) {
    if (error instanceof AppError && error.problem.status >= 500) throw error;
    throw new AppError("login_failed", LOGIN_REFUSED);
  }
}

async function refresh(c: Context<AppEnv>) {
  const s = settingsOf(c.env);
  const body = await jsonBody(c, refreshSchema);
  const presented = parseRefreshToken(body.refreshToken);
  const refused = new AppError("invalid_token", "The refresh token is not valid.");
  if (!presented) throw refused;
  const sessions = sessionsOf(c);
  const session = await sessions.get(presented.sid);
  if (!session) throw refused;

  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  const pair = await mintTokenPair(ring, s, {
    userId: session.userId,
    address: session.address,
    roles: session.roles,
    sid: session.sid,
  });
  const sealed = await seal(JSON.stringify(pair.body), presented.secret, session.sid);
  const result = await sessions.rotate(
    session.sid,
    session.userId,
    { presented: await hashSecret(presented.secret), fresh: pair.refreshHash },
    sealed,
    Date.now(),
  );
  if (result.outcome === "rotated") return c.json(pair.body);
  if (result.outcome === "grace") {
    const replay = await open(result.sealedPair, presented.secret, session.sid);
    if (replay) return c.json(JSON.parse(replay) as TokenPairBody);
  }
  if (result.outcome === "reuse") {
    throw new AppError(
      "refresh_token_reused",
      "This refresh token was already used; the session has been ended.",
    );
  }
  throw refused;
}

async function logout(c: Context<AppEnv>) {
  await sessionsOf(c).revoke(c.var.auth.sid, c.var.auth.userId);
  return c.body(null, 204);
}

async function listSessions(c: Context<AppEnv>) {
  const records = await sessionsOf(c).listForUser(c.var.auth.userId);
  return c.json({
    sessions: records.map((r) => ({
      id: r.sid,
      createdAt: new Date(r.createdAt).toISOString(),
      lastUsedAt: new Date(r.lastUsedAt).toISOString(),
      ip: r.ip,
      userAgent: r.userAgent,
      current: r.sid === c.var.auth.sid,
    })),
  });
}

async function deleteSession(c: Context<AppEnv>) {
  const sid = sessionIdSchema.safeParse(c.req.param("id"));
  const sessions = sessionsOf(c);
  const target = sid.success ? await sessions.get(sid.data) : null;
  // Another user's session answers exactly like a missing one: ids are not probeable.
  if (!target || target.userId !== c.var.auth.userId) throw new AppError("not_found", "No such session.");
  await sessions.revoke(target.sid, target.userId);
  return c.body(null, 204);
}

export const authRoutes = new Hono<AppEnv>()
  .post("/v1/auth/challenge", challenge)
  .post("/v1/auth/login", login)
  .post("/v1/auth/refresh", refresh)
  .post("/v1/auth/logout", requireAuth, logout)
  .get("/v1/auth/sessions", requireAuth, listSessions)
  .delete("/v1/auth/sessions/:id", requireAuth, deleteSession);
