import { AppError, errorCode } from "@tron-auth/shared/problems";
import { userEnvelopeSchema } from "@tron-auth/shared/protocol";
import { parseSiwtMessage, validateSiwtMessage } from "@tron-auth/shared/siwt";
import type { Context } from "hono";
import type * as z from "zod/mini";
import { recordAudit } from "../audit/outbox.ts";
import { bridgeJson } from "../bridge/calls.ts";
import { clientIp, clientKey, clientOf, clientUserAgent } from "../client/identity.ts";
import { bindingMissing, bindingRequired } from "../dpop/binding-policy.ts";
import { fresh, proofHeaderOf, requestProof } from "../dpop/request-proof.ts";
import { consumeAll, rateLimited } from "../limits/limiter.ts";
import { type BlockScope, loginFailures } from "../limits/login-failures.ts";
import { settingsOf } from "../platform/config.ts";
import type { AppEnv } from "../platform/env.ts";
import { redisFor } from "../platform/redis.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { newSessionId } from "../tokens/refresh-token.ts";
import { mintTokenPair, type TokenPairBody } from "../tokens/token-pair.ts";
import { consumeNonce } from "./nonces.ts";
import type { loginRequest } from "./schemas.ts";

/** One message for every login refusal: the precise reason goes to the audit log, not the client. */
const LOGIN_REFUSED = "The sign-in could not be verified.";

type LoginBody = z.infer<typeof loginRequest>;

/**
 * Sign-in: this client's failure blocks, the rate limits (per client, then per address), the
 * edge's own checks (domain, URI, chain, time, a nonce this worker issued for this address,
 * consumed now), then the bridge's signature check over mTLS, then a new session.
 *
 * The per-address window stays although anyone can fill it: without it, a botnet could make the
 * bridge verify signatures for one account without bound, since no single client crosses its
 * own limits. It is a rate, not a lock, so the owner waits at most one window once the flood
 * stops. A blocked client is turned away before it is charged to the address's window, and the
 * address's window is charged only after the client's own allowed the request (see consumeAll),
 * so one client can take at most its own share of that window. The alternative that would exempt
 * the owner outright, a device cookie from an earlier sign-in (OWASP), is a new long-lived
 * credential to protect and still leaves a new device waiting; see README "Rate limits".
 *
 * A DPoP proof with the request binds the new session to its key (checked after the limits, so
 * refusals stay cheap, and before the bridge is asked, so a bad proof costs the Pi nothing).
 */
export async function signIn(c: Context<AppEnv>, body: LoginBody): Promise<TokenPairBody> {
  const address = addressIn(body.message);
  const client = clientKey(c.req);
  await refuseIfBlocked(c, client, address);
  const limit = await consumeAll(c.env, "login", [client, ...(address ? [`addr:${address}`] : [])]);
  c.set("rateLimit", limit);
  if (!limit.success) throw rateLimited(limit);
  const jkt = await bindingKey(c);

  const reason = await edgeRefusal(c, body.message);
  if (reason) throw await failed(c, reason, client, address);
  // Read before the bridge answers with the roles: a role change that commits while this sign-in
  // is in flight advances the clock past it, so the new session is not trusted with those roles.
  const rolesAsOf = await sessionsOf(c).roleChanges.clock();
  const verified = await verifyAtBridge(c, body);
  if ("refused" in verified) {
    const refusal = await failed(c, verified.refused, client, address, true);
    // The bridge checks the signature before the account, so only the key's holder learns that
    // the account is locked or disabled, and needs to, to know whom to ask.
    if (verified.refused === "account_locked" || verified.refused === "account_disabled")
      throw new AppError(verified.refused, "This account cannot sign in; ask an administrator.");
    throw refusal;
  }
  const user = verified.user;
  await loginFailures.clear(c.env, client, user.address);
  if (jkt === undefined && bindingRequired(settingsOf(c.env).DPOP_REQUIRED, user.roles))
    throw bindingMissing("Your roles require a session bound to a key.");
  return openSession(c, user, rolesAsOf, jkt);
}

/** The key the sign-in's DPoP proof was signed with (fresh, for this request), if it sent one. */
async function bindingKey(c: Context<AppEnv>): Promise<string | undefined> {
  const header = proofHeaderOf(c);
  if (header === undefined) {
    if (settingsOf(c.env).DPOP_REQUIRED === "all")
      throw bindingMissing("Every session must be bound to a key.");
    return undefined;
  }
  const proof = await requestProof(c, header);
  await fresh(c, proof);
  return proof.jkt;
}

function addressIn(message: string): string | undefined {
  try {
    return parseSiwtMessage(message).address;
  } catch {
    return undefined;
  }
}

/** Only this client's own failures can block it; another client's never do. */
async function refuseIfBlocked(c: Context<AppEnv>, client: string, address: string | undefined) {
  const block = await loginFailures.blockOf(c.env, client, address);
  if (!block) return;
  const detail =
    block.scope === "address"
      ? "Too many failed sign-ins for this address from your network; try again later."
      : "Too many failed sign-ins from your network; try again later.";
  throw new AppError("login_blocked", detail, { retryAfter: block.seconds });
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
 * Counts the failure against this client, audits refusals the edge decided (the bridge audits its
 * own) and any block this failure set, and returns the one generic 401.
 */
async function failed(
  c: Context<AppEnv>,
  reason: string,
  client: string,
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
  for (const scope of await loginFailures.record(c.env, client, address)) {
    await auditBlock(c, scope, client, address);
  }
  return new AppError("login_failed", LOGIN_REFUSED);
}

/** The client (its IP or /64 in `details.client`) is blocked; the address only names its target. */
async function auditBlock(
  c: Context<AppEnv>,
  scope: BlockScope,
  client: string,
  address: string | undefined,
) {
  const s = settingsOf(c.env);
  await recordAudit(c, {
    type: "login_client_blocked",
    outcome: "denied",
    actor: scope === "address" && address ? { address } : {},
    details: { reason: "too_many_failures", scope, client, seconds: s.LOGIN_BLOCK_SECONDS },
  });
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
  jkt: string | undefined,
): Promise<TokenPairBody> {
  const s = settingsOf(c.env);
  const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
  const sid = newSessionId();
  const pair = await mintTokenPair(ring, s, {
    userId: user.id,
    address: user.address,
    roles: user.roles,
    sid,
    jkt,
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
      userAgent: clientUserAgent(c.req).slice(0, 256),
      jkt,
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
