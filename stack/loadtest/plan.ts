/**
 * What the load test's simulated clients do, and the proof, before any traffic, that only the
 * flood client can meet a rate limit: every other client's requests per window stay at most half
 * of each limit it is charged to (the sliding window weighs the previous window in, and a client
 * may be provisioned and then start its cycle inside one window).
 */

/** The worker's limits for the run: its production defaults, stated here so the plan is checked against them. */
export const LIMITS = {
  windowSeconds: 60,
  public: 100,
  user: 1_000,
  privileged: 10_000,
  challenge: 20,
  login: 10,
} as const;

export type Tier = Exclude<keyof typeof LIMITS, "windowSeconds">;

export function limitVars(): Record<string, string> {
  return {
    RATE_LIMIT_WINDOW_SECONDS: String(LIMITS.windowSeconds),
    RATE_LIMIT_PUBLIC: String(LIMITS.public),
    RATE_LIMIT_USER: String(LIMITS.user),
    RATE_LIMIT_PRIVILEGED: String(LIMITS.privileged),
    RATE_LIMIT_CHALLENGE: String(LIMITS.challenge),
    RATE_LIMIT_LOGIN: String(LIMITS.login),
    // Locust's simulated clients hold bearer sessions, admins included: the load test measures the
    // bearer path, and `npm run bench` the cost of a DPoP-bound request beside it.
    DPOP_REQUIRED: "none",
  };
}

export type Kind = "member" | "admin" | "flood";
/** An action of a cycle; locustfile.py has a method of the same name (dashes as underscores). */
export type Action = "me" | "sessions" | "refresh" | "sign-in" | "users" | "user" | "audit" | "challenge";

/** The tiers one action is charged to; authenticated actions go to the caller's role tier. */
const CHARGES: Record<Action, (roleTier: Tier) => Tier[]> = {
  me: (role) => [role],
  sessions: (role) => [role],
  users: (role) => [role],
  user: (role) => [role],
  audit: (role) => [role],
  refresh: () => ["public"],
  "sign-in": () => ["public", "challenge", "public", "login"],
  challenge: () => ["public", "challenge"],
};

const repeat = (action: Action, n: number): Action[] => Array.from({ length: n }, () => action);

/** Twenty actions: seventeen profile reads, two session lists, one refresh. */
const BLOCK: Action[] = [...repeat("me", 9), "refresh", "sessions", ...repeat("me", 8), "sessions"];

/**
 * Fixed cycles, in the proportions an auth edge sees: mostly authenticated reads. A member reads
 * its profile and sessions, refreshes every twentieth action and signs in afresh once per cycle
 * (60 actions, 61 requests); an admin alternates the admin reads with /v1/me; the flood client
 * only asks for challenges. Each refresh and sign-in also becomes an audit event at the bridge.
 */
export const CYCLES: Record<Kind, Action[]> = {
  member: ["sign-in", ...BLOCK.slice(1), ...BLOCK, ...BLOCK],
  admin: ["users", "me", "audit", "me", "user", "me"],
  flood: ["challenge"],
};

/** Actions per second per client (Locust's constant_throughput: a client never runs faster). */
export const PACE: Record<Kind, number> = { member: 3.5, admin: 1, flood: 20 };

const ROLE_TIER: Record<Kind, Tier> = { member: "user", admin: "privileged", flood: "public" };

/** Requests one client of `kind` sends per limit window, per tier. */
export function chargesPerWindow(kind: Kind): Record<Tier, number> {
  const cycle = CYCLES[kind];
  const cyclesPerWindow = (PACE[kind] * LIMITS.windowSeconds) / cycle.length;
  const perWindow: Record<Tier, number> = { public: 0, user: 0, privileged: 0, challenge: 0, login: 0 };
  for (const action of cycle)
    for (const tier of CHARGES[action](ROLE_TIER[kind])) perWindow[tier] += cyclesPerWindow;
  return perWindow;
}

/** Throws when the plan would make a 429 that is not the flood client's, or none at all. */
export function checkPlan(): void {
  const problems: string[] = [];
  for (const kind of ["member", "admin"] as const) {
    for (const [tier, n] of Object.entries(chargesPerWindow(kind)) as [Tier, number][]) {
      // +1: the sign-in that provisioned the client falls in the same window as its first cycle.
      if (n + 1 > LIMITS[tier] / 2)
        problems.push(`${kind}: ${n.toFixed(1)} ${tier} requests per window, limit ${LIMITS[tier]}`);
    }
  }
  if (chargesPerWindow("flood").challenge <= LIMITS.challenge)
    problems.push("flood: stays within the challenge limit, so no designed 429 would appear");
  if (problems.length > 0) throw new Error(`load test plan: ${problems.join("; ")}`);
}
