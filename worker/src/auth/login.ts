import { AppError, errorCode } from "@tron-auth/shared/problems";
import { userEnvelopeSchema } from "@tron-auth/shared/protocol";
import { parseSiwtMessage, validateSiwtMessage } from "@tron-auth/shared/siwt";
import type { Context } from "hono";
import type * as z from "zod/mini";
import { recordAudit } from "../audit/outbox.ts";
import { bridgeJson } from "../bridge/calls.ts";
import { settingsOf } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { clientIp, clientOf, ipKey } from "../http/request-id.ts";
import { consumeAll, rateLimited } from "../limits/limiter.ts";
import { lockout } from "../limits/lockout.ts";
import { redisFor } from "../redis.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import { newSessionId } from "../sessions/refresh-token.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { consumeNonce } from "./nonces.ts";
import type { loginRequest } from "./schemas.ts";
import { mintTokenPair, type TokenPairBody } from "./token-pair.ts";

/** One message for every login refusal: the precise reason goes to the audit log, not the client. */
const LOGIN_REFUSED = "The sign-in could not be verified.";

type LoginBody = z.infer<typeof loginRequest>;

/**
 * Sign-in: limits (per IP and per address), the address lockout, the edge's own checks (domain,
 * URI, chain, time, a nonce this worker issued for this address, consumed now), then the bridge's
 * signature check over mTLS, then a new session.
 */
export async function signIn(c: Context<AppEnv>, body: LoginBody): Promise<TokenPairBody> {
  const address = addressIn(body.message);
  const limit = await consumeAll(c.env, "login", [ipKey(c.req), ...(address ? [`addr:${address}`] : [])]);
  c.set("rateLimit", limit);
  if (!limit.success) throw rateLimited(limit);
  if (address) await refuseIfLockedOut(c, address);

  const reason = await edgeRefusal(c, body.message);
  if (reason) throw await failed(c, reason, address);
  // Read before the bridge answers with the roles: a role change that commits while this sign-in
  // is in flight advances the clock past it, so the new session is not trusted with those roles.
  const rolesAsOf = await sessionsOf(c).roleChanges.clock();
  const verified = await verifyAtBridge(c, body);
  if ("refused" in verified) throw await failed(c, verified.refused, address, true);
  const user = verified.user;
  if (address) await lockout.clearFailures(c.env, address);
  return openSession(c, user, rolesAsOf);
}

function addressIn(message: string): string | undefined {
  try {
    return parseSiwtMessage(message).address;
  } catch {
    return undefined;
  }
}

async function refuseIfLockedOut(c: Context<AppEnv>, address: string): Promise<void> {
  const seconds = await lockout.secondsLeft(c.env, address);
  if (seconds > 0) {
    throw new AppError("account_locked", "Too many failed sign-ins for this address; try again later.", {
      retryAfter: seconds,
    });
  }
}

/** The edge's own verdict: undefined when the message may go to the bridge. */
async function edgeRefusal(c: Context<AppEnv>, text: string): Promise<string | undefined> {
  const s = settingsOf(c.env);
  try {
    const message = parseSiwtMessage(text);
    validateSiwtMessage(message, {
      domain: s.SIWT_DOMAIN,
      uri: s.SIWT_URI,
      chainId: s.SIWT_CHAIN_ID,
      now: new Date(),
    });
    return (await consumeNonce(redisFor(c.env), message.nonce, message.address))
      ? undefined
      : "nonce_invalid";
  } catch (error) {
    if (error instanceof AppError) throw error;
    return errorCode(error) ?? "siwt_malformed";
  }
}

/**
 * Counts the failure toward the lockout, audits refusals the edge decided (the bridge audits its
 * own), and returns the one generic 401.
 */
async function failed(
  c: Context<AppEnv>,
  reason: string,
  address: string | undefined,
  auditedByBridge = false,
) {
  if (!auditedByBridge) {
    await recordAudit(c, {
      type: "login_failure",
      outcome: "failure",
      actor: address ? { address } : {},
      details: { reason, source: "edge" },
    });
  }
  if (address && (await lockout.recordFailure(c.env, address))) {
    await recordAudit(c, {
      type: "account_lockout",
      outcome: "denied",
      actor: { address },
      details: { reason: "too_many_failures" },
    });
  }
  return new AppError("login_failed", LOGIN_REFUSED);
}

async function verifyAtBridge(c: Context<AppEnv>, body: LoginBody) {
  try {
    return await bridgeJson(
      c.env,
      { sub: "anonymous", roles: [], requestId: c.var.requestId },
      {
        method: "POST",
        path: "/internal/v1/login/verify",
        schema: userEnvelopeSchema,
        payload: { ...body, ...clientOf(c.req) },
      },
    );
  } catch (error) {
    if (error instanceof AppError && error.problem.status >= 500) throw error;
    return { refused: error instanceof AppError ? error.problem.code : "bridge_refused" };
  }
}

async function openSession(
  c: Context<AppEnv>,
  user: z.infer<typeof userEnvelopeSchema>["user"],
  rolesAsOf: number,
): Promise<TokenPairBody> {
  const s = settingsOf(c.env);
  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  const sid = newSessionId();
  const pair = await mintTokenPair(ring, s, {
    userId: user.id,
    address: user.address,
    roles: user.roles,
    sid,
  });
  const evicted = await sessionsOf(c).create(
    {
      sid,
      userId: user.id,
      address: user.address,
      roles: user.roles,
      rolesAsOf,
      refreshHash: pair.refreshHash,
      ip: clientIp(c.req),
      userAgent: (c.req.header("user-agent") ?? "").slice(0, 256),
    },
    Date.now(),
  );
  for (const old of evicted) {
    await recordAudit(c, {
      type: "session_revoke",
      outcome: "success",
      actor: { id: user.id },
      target: { type: "session", id: old },
      details: { reason: "session_limit" },
    });
  }
  return pair.body;
}
