import { AppError } from "@tron-auth/shared/problems";
import { SIWT_MAX_LIFETIME_SECONDS } from "@tron-auth/shared/siwt";
import * as z from "zod/mini";
import type { Env } from "./env.ts";

const intVar = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

/**
 * Vars from wrangler.toml (and secrets), with the defaults operators of the service this replaces
 * already rely on (15-minute access tokens, 7-day refresh tokens).
 */
const settingsSchema = z.object({
  SIWT_DOMAIN: z.string().check(z.minLength(1), z.maxLength(253)),
  SIWT_URI: z.url(),
  SIWT_CHAIN_ID: z.string().check(z.regex(/^tron:[0-9]{1,20}$/)),
  SIWT_STATEMENT: z._default(z.string().check(z.maxLength(512)), "Sign in to the TRON network console."),
  JWT_ISSUER: z.string().check(z.minLength(1)),
  JWT_AUDIENCE: z.string().check(z.minLength(1)),
  BRIDGE_AUDIENCE: z._default(z.string().check(z.minLength(1)), "tron-auth-bridge"),
  ACCESS_TOKEN_EXPIRE_MINUTES: intVar(15, 1, 60),
  REFRESH_TOKEN_EXPIRE_DAYS: intVar(7, 1, 30),
  MAX_SESSIONS_PER_USER: intVar(5, 1, 50),
  REFRESH_GRACE_SECONDS: intVar(30, 0, 120),
  /** Capped by the validators' own limit: a longer TTL would make every sign-in fail. */
  CHALLENGE_TTL_SECONDS: intVar(300, 30, SIWT_MAX_LIFETIME_SECONDS),
  /** How old a per-isolate "session is live" answer may be; 0 reads Redis on every request. */
  SESSION_CACHE_MS: intVar(1_000, 0, 5_000),
  /**
   * Sliding-window limits per window: by client IP on public routes, by user (privileged roles get
   * more, as admin consoles make bursts), and tighter for challenge and sign-in, which cost the Pi.
   */
  RATE_LIMIT_WINDOW_SECONDS: intVar(60, 1, 3_600),
  RATE_LIMIT_PUBLIC: intVar(100, 1, 1_000_000),
  RATE_LIMIT_USER: intVar(1_000, 1, 1_000_000),
  RATE_LIMIT_PRIVILEGED: intVar(10_000, 1, 1_000_000),
  RATE_LIMIT_CHALLENGE: intVar(20, 1, 1_000_000),
  RATE_LIMIT_LOGIN: intVar(10, 1, 1_000_000),
  /**
   * Units of a user's window an isolate takes at once on ordinary authenticated routes and then
   * spends without Redis (capped at a tenth of the tier's limit). Never serves more than the
   * limit; a user spread over several isolates may be refused up to about a lease per isolate
   * early. 1 counts every request in Redis.
   */
  RATE_LIMIT_LEASE: intVar(20, 1, 1_000),
  /**
   * Failed sign-ins within the window that block the client making them (its IP, an IPv6 /64)
   * for LOGIN_BLOCK_SECONDS: for one address, and (a higher count) for every address. Never the
   * address itself: a wallet signature cannot be guessed, so failures say nothing about its owner.
   */
  LOGIN_BLOCK_FAILURES_PER_ADDRESS: intVar(5, 1, 1_000),
  LOGIN_BLOCK_FAILURES_PER_CLIENT: intVar(30, 1, 1_000_000),
  LOGIN_BLOCK_WINDOW_SECONDS: intVar(900, 1, 86_400),
  LOGIN_BLOCK_SECONDS: intVar(900, 1, 86_400),
  /**
   * The circuit breaker in front of the bridge (per isolate): this many calls in a row that the
   * bridge did not answer (no connection, a timeout, a 5xx that is not its own problem document)
   * open it. 5: one slow request or a restart's dropped connection is not an outage, and five
   * 5-second timeouts are already 25 s of callers held.
   */
  BRIDGE_BREAKER_FAILURES: intVar(5, 1, 1_000),
  /**
   * How long an open breaker answers 503 at once before it lets one probe call through. 5 s:
   * short against a Pi's restart (seconds to minutes), long enough that an isolate under load
   * sends the Pi one call per 5 s instead of one per request while it is away.
   */
  BRIDGE_BREAKER_COOLDOWN_MS: intVar(5_000, 100, 300_000),
  /**
   * Which sessions must be bound to a key (DPoP): `privileged` (ADMIN and SUPER_ADMIN; default),
   * `all`, or `none`. Wallet signing requires a bound session whatever this says.
   */
  DPOP_REQUIRED: z._default(z.enum(["none", "privileged", "all"]), "privileged"),
});

export type Settings = z.infer<typeof settingsSchema>;

const cache = new WeakMap<object, Settings>();

/**
 * Parsed once per env object. A misconfigured deployment answers 503 with the names of the bad
 * variables (never their values) instead of running with a guess.
 */
export function settingsOf(env: Env): Settings {
  const hit = cache.get(env);
  if (hit) return hit;
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string" && v !== ""));
  const parsed = settingsSchema.safeParse(vars);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => i.path.join(".")))].join(", ");
    throw new AppError("service_unavailable", `The worker is misconfigured: ${names}.`);
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
