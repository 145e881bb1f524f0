import type { LimitOutcome } from "./limiter.ts";

/** Takes `units` from the shared window in one Upstash round trip. */
export type Charge = (units: number) => Promise<LimitOutcome>;

/** Units this isolate has charged to the window and not yet spent, valid until the window's bucket ends. */
type Held = { units: number; remaining: number; limit: number; reset: number };

/** A charge on its way to Redis; requests that arrive meanwhile claim its units instead of charging again. */
type InFlight = { unclaimed: number; startedAt: number; outcome: Promise<LimitOutcome> };

type Account = { held?: Held; inFlight?: InFlight | undefined; last?: { remaining: number; reset: number } };

const MAX_ACCOUNTS = 10_000;

/**
 * A request that finds a charge in flight waits for it rather than making its own round trip,
 * but not longer than this: then it charges on its own, so a charge that never settles (its
 * request cancelled) cannot hold other requests. A charge older than this is not joined.
 */
const JOIN_FOR_MS = 2_000;

const TIMED_OUT = Symbol("timed out");

/**
 * Rate-limit leases: an isolate charges a user's shared window (@upstash/ratelimit, sliding
 * window) several units at once and serves the next requests from them without Redis.
 *
 * Why the limit still holds across isolates: every unit is counted in Redis before it is spent,
 * and held units expire when the bucket they were charged to ends, so no request is served that
 * the shared counter has not already counted in its bucket. A lease the window cannot cover in
 * full is refused whole: the library's script adds the units when the window was not yet full,
 * but reports the charge as refused when they take it past the limit (remaining below zero), and
 * then no unit of it is served. So nothing is served beyond what the library's own count allows,
 * however many isolates share the window (rate-limit-leases tests, one isolate and three).
 * The cost runs the other way: units one isolate holds are not available to another, and a lease
 * that did not fit is counted all the same, so a user spread over I isolates may be refused up to
 * about 2 x I x n units early in a window (n: the lease size, capped at a tenth of the limit):
 * what the others hold, and one refused lease per isolate, after which that isolate charges one
 * unit at a time until the bucket ends. Near the limit the lease shrinks to what the last charge
 * said remained, so a single isolate is exact.
 */
export class LeaseBook {
  readonly #accounts = new Map<string, Account>();

  /**
   * One unit for one request: from the units held, else by claiming a unit of a charge already
   * in flight, else by charging a new lease of up to `size` units (the only path that reaches
   * Redis, and it issues its command before anything is awaited, so it joins the request's other
   * Redis commands in one auto-pipelined round trip). `keepAlive` receives a new charge, so that
   * the request that started it cannot be cancelled under the requests waiting on it.
   */
  take(
    key: string,
    size: number,
    charge: Charge,
    now: number,
    keepAlive?: (p: Promise<unknown>) => void,
  ): Promise<LimitOutcome> {
    const account = this.#account(key);
    const held = account.held;
    if (held && held.units > 0 && now < held.reset) {
      held.units -= 1;
      return Promise.resolve(served(held, held.units));
    }
    const flight = account.inFlight;
    if (flight && flight.unclaimed > 0 && now - flight.startedAt < JOIN_FOR_MS) {
      flight.unclaimed -= 1;
      const after = flight.unclaimed;
      return awaitFromHere(flight.outcome, JOIN_FOR_MS).then((o) => {
        if (o === TIMED_OUT) return this.#lease(account, 1, charge, Date.now(), keepAlive);
        return o.success ? { ...o, remaining: o.remaining + after } : o;
      });
    }
    return this.#lease(account, leaseSize(account, size, now), charge, now, keepAlive);
  }

  #lease(
    account: Account,
    units: number,
    charge: Charge,
    now: number,
    keepAlive?: (p: Promise<unknown>) => void,
  ): Promise<LimitOutcome> {
    const flight: InFlight = { unclaimed: units - 1, startedAt: now, outcome: charge(units) };
    account.inFlight = flight;
    const settled = flight.outcome.then(
      (o) => {
        if (account.inFlight === flight) account.inFlight = undefined;
        // A refused charge took nothing: the library checks before it counts.
        account.last = { remaining: o.success ? o.remaining : 0, reset: o.reset };
        if (o.success && flight.unclaimed > 0) keep(account, { ...o, units: flight.unclaimed });
        flight.unclaimed = 0;
        return o.success ? { ...o, remaining: o.remaining + units - 1 } : o;
      },
      (error: unknown) => {
        if (account.inFlight === flight) account.inFlight = undefined;
        flight.unclaimed = 0;
        throw error;
      },
    );
    keepAlive?.(settled.catch(() => undefined));
    return settled;
  }

  #account(key: string): Account {
    let account = this.#accounts.get(key);
    if (!account) {
      if (this.#accounts.size >= MAX_ACCOUNTS) {
        // Oldest first; forgetting held units only refuses early, never serves more.
        const oldest = this.#accounts.keys().next().value;
        if (oldest !== undefined) this.#accounts.delete(oldest);
      }
      account = {};
      this.#accounts.set(key, account);
    }
    return account;
  }
}

/**
 * Waits in this request for a promise another request's I/O settles. workerd cancels a request
 * as hung when it waits on nothing of its own (no I/O, no timer), however soon another request
 * would have settled the promise: the deadline timer is this request's own pending event, and
 * the way out if the other request never settles it.
 */
function awaitFromHere<T>(shared: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([shared, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The full size, except within a bucket whose last charge left fewer units than that: then only
 * what it said remained (at least one, to learn when the window frees units again).
 */
function leaseSize(account: Account, size: number, now: number): number {
  const last = account.last;
  if (!last || last.reset <= now) return size;
  return Math.max(1, Math.min(size, last.remaining));
}

/** Units left over after the claims, added to what is held when they belong to the same bucket. */
function keep(account: Account, lease: Held): void {
  const held = account.held;
  if (held && held.reset === lease.reset && held.units > 0) {
    held.units += lease.units;
    held.remaining = Math.min(held.remaining, lease.remaining);
  } else {
    account.held = lease;
  }
}

/**
 * What a request served from held units reports: the window's remaining count at the last charge
 * plus the units this isolate still holds, i.e. what this isolate can still serve as far as it
 * knows. Other isolates' use since that charge is not in it.
 */
function served(held: Held, unitsLeft: number): LimitOutcome {
  return { success: true, limit: held.limit, remaining: held.remaining + unitsLeft, reset: held.reset };
}
