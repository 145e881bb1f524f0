import type { Role } from "@tron-auth/shared/auth";
import { AppError } from "@tron-auth/shared/problems";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { bindingMissing, bindingRequired } from "../dpop/binding-policy.ts";
import { invalidProof } from "../dpop/proof.ts";
import { fresh, proofHeaderOf, requestProof } from "../dpop/request-proof.ts";
import { consumeLeased } from "../limits/leased-limit.ts";
import { consume, rateLimited, type Tier } from "../limits/limiter.ts";
import { settingsOf } from "../platform/config.ts";
import type { AppEnv, Env } from "../platform/env.ts";
import { sessionsOf } from "../sessions/for-request.ts";
import { refreshRoles } from "../sessions/fresh-roles.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { verifyAccessTokenCached } from "../tokens/verified-cache.ts";

const CREDENTIAL = /^(Bearer|DPoP) ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const MAX_TOKEN_LENGTH = 4096;

type Credential = { scheme: "bearer" | "dpop"; token: string };

function credentialOf(c: Context<AppEnv>): Credential {
  const header = c.req.header("authorization") ?? "";
  const match = header.length <= MAX_TOKEN_LENGTH ? CREDENTIAL.exec(header) : null;
  if (!match?.[1] || !match[2])
    throw new AppError(
      "unauthorized",
      "Send an access token: Authorization: DPoP <token> with a DPoP proof, or Bearer <token>.",
    );
  return { scheme: match[1].toLowerCase() === "dpop" ? "dpop" : "bearer", token: match[2] };
}

/**
 * A token bound to a key (`cnf.jkt`) counts only as `DPoP` with a proof by that key for this very
 * request and token; sent as Bearer it is refused (RFC 9449 section 7.2), so a stolen copy is useless
 * without the key. An unbound token sent as DPoP is refused too: the scheme would promise a binding
 * that does not exist. Returns the proof's freshness check, for the caller's Redis round trip.
 */
async function proofFor(
  c: Context<AppEnv>,
  credential: Credential,
  jkt: string | undefined,
): Promise<(() => Promise<void>) | undefined> {
  if (jkt === undefined) {
    if (credential.scheme === "dpop")
      throw new AppError("invalid_token", "This access token is not bound to a key: send it as Bearer.");
    return undefined;
  }
  if (credential.scheme !== "dpop")
    throw new AppError("invalid_token", "This access token is bound to a key: send it as DPoP with a proof.");
  const header = proofHeaderOf(c);
  if (header === undefined) throw invalidProof("Send a DPoP proof with a DPoP-bound access token.");
  const proof = await requestProof(c, header, credential.token);
  if (proof.jkt !== jkt) throw invalidProof("The DPoP proof is signed by another key than the token's.");
  return () => fresh(c, proof);
}

/** The token's roles pick the tier (the session's roles arrive in the same round trip). */
function tierOf(roles: readonly Role[]): Tier {
  return roles.includes("ADMIN") || roles.includes("SUPER_ADMIN") ? "privileged" : "user";
}

/**
 * How a route counts its requests against the user's window: `leased` from this isolate's lease
 * of the window (a round trip only when the lease runs out), `exact` one unit in Redis per request
 * (privileged routes, which read Redis anyway), or not at all (benchmark of authentication alone).
 */
export type RateLimitMode = "leased" | "exact" | "none";

/**
 * The hot path: verify the access token locally, then, in at most one auto-pipelined Upstash
 * request, take a unit from the user's rate limit and prove the session is live (reading its
 * current roles and the lockdown epoch). The session half is skipped when this isolate saw the
 * session live within the staleness the route allows, and the rate-limit half when the route
 * spends from a lease this isolate holds: an ordinary request then makes no round trip at all.
 */
export function authenticate(opts: {
  staleness: (env: Env) => number;
  rateLimit: RateLimitMode;
  /** Privileged routes act only on current roles: a session whose roles may be stale reads them again. */
  currentRoles: boolean;
  /** The route needs a session bound to a key whatever DPOP_REQUIRED says (wallet signing). */
  bound?: boolean;
}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const credential = credentialOf(c);
    const settings = settingsOf(c.env);
    const ring = await keyRingFrom(c.env.JWT_SIGNING_KEYS);
    const claims = await verifyAccessTokenCached(ring, credential.token, {
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
    });
    const jkt = claims.cnf?.jkt;
    const proofFresh = await proofFor(c, credential, jkt);
    const sessions = sessionsOf(c);
    const identifier = `u:${claims.sub}`;
    // All are issued before any is awaited, so those that need Redis share one request.
    const [limit, live] = await Promise.all([
      opts.rateLimit === "leased"
        ? consumeLeased(c, tierOf(claims.roles), identifier)
        : opts.rateLimit === "exact"
          ? consume(c.env, tierOf(claims.roles), identifier)
          : undefined,
      sessions.live(claims.sid, Date.now(), opts.staleness(c.env)),
      proofFresh?.(),
    ]);
    if (limit) c.set("rateLimit", limit);
    if (!live || live.session.uid !== claims.sub || live.session.jkt !== jkt)
      throw new AppError("session_revoked", "This session has ended. Sign in again.");
    if (limit && !limit.success) throw rateLimited(limit);
    const roles =
      opts.currentRoles && live.stale
        ? (await refreshRoles(c, sessions, live.stale)).roles
        : live.session.roles;
    if (jkt === undefined && bindingRequired(settings.DPOP_REQUIRED, roles, opts.bound))
      throw bindingMissing(
        opts.bound
          ? "This route needs a session bound to a key."
          : "Your roles require a session bound to a key.",
      );
    c.set("auth", {
      userId: claims.sub,
      address: claims.addr,
      roles,
      sid: claims.sid,
      loginAt: live.session.loginAt,
      jkt,
    });
    await next();
  });
}

/**
 * Ordinary authenticated routes: session liveness may be up to SESSION_CACHE_MS old, and the rate
 * limit is spent from this isolate's lease (never past the limit, at most about a lease per
 * isolate short of it: see LeaseBook).
 */
export const requireAuth = authenticate({
  staleness: (env) => settingsOf(env).SESSION_CACHE_MS,
  rateLimit: "leased",
  // Ordinary routes need nothing beyond what every role has (defineRoute enforces it), so a
  // stale copy of the roles cannot grant more here, and the Pi stays off this path.
  currentRoles: false,
});

/**
 * Privileged routes: the session is read from Redis on every request, roles that may be stale
 * are read again from the bridge (fail closed), and every request is counted in Redis (it shares
 * the session read's round trip, so exactness costs nothing here).
 */
export const requireFreshAuth = authenticate({ staleness: () => 0, rateLimit: "exact", currentRoles: true });

/** Privileged and bound to a key whatever DPOP_REQUIRED says: wallet signing. */
export const requireBoundFreshAuth = authenticate({
  staleness: () => 0,
  rateLimit: "exact",
  currentRoles: true,
  bound: true,
});
