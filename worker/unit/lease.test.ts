import { afterEach, describe, expect, it, vi } from "vitest";
import { type Charge, LeaseBook } from "../src/limits/lease.ts";
import type { LimitOutcome } from "../src/limits/limiter.ts";

const LIMIT = 100;
const RESET = 60_000;

/**
 * A shared window as @upstash/ratelimit reports it: a charge of n units is refused (nothing
 * served) when it would take the count past the limit, and counted all the same.
 */
function windowOf(limit = LIMIT, reset = RESET) {
  const state = { used: 0, charges: [] as number[] };
  const charge: Charge = async (units) => {
    state.charges.push(units);
    state.used += units;
    return { success: state.used <= limit, limit, remaining: limit - state.used, reset };
  };
  return { state, charge };
}

function deferred() {
  let resolve: (o: LimitOutcome) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<LimitOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("rate-limit leases", () => {
  it("charge several units at once and serve the next requests from them without a charge", async () => {
    const book = new LeaseBook();
    const { state, charge } = windowOf();
    const first = await book.take("u", 5, charge, 0);
    expect(first).toEqual({ success: true, limit: LIMIT, remaining: 95 + 4, reset: RESET });
    const next = [];
    for (let i = 0; i < 4; i++) next.push(await book.take("u", 5, charge, 1));
    expect(next.map((o) => o.remaining)).toEqual([98, 97, 96, 95]);
    expect(next.every((o) => o.success && o.limit === LIMIT && o.reset === RESET)).toBe(true);
    expect(state.charges).toEqual([5]);
    await book.take("u", 5, charge, 2);
    expect(state.charges).toEqual([5, 5]);
  });

  it("keep one account per key", async () => {
    const book = new LeaseBook();
    const { state, charge } = windowOf();
    await book.take("a", 5, charge, 0);
    await book.take("b", 5, charge, 0);
    expect(state.charges).toEqual([5, 5]);
  });

  it("never serve held units once the bucket they were charged to has ended", async () => {
    const book = new LeaseBook();
    const { state, charge } = windowOf();
    await book.take("u", 5, charge, 0);
    await book.take("u", 5, charge, RESET - 1);
    expect(state.charges).toEqual([5]);
    await book.take("u", 5, charge, RESET);
    expect(state.charges).toEqual([5, 5]);
  });

  it("serve nothing of a lease the window refused, then charge one unit at a time in that bucket", async () => {
    const book = new LeaseBook();
    const { state, charge } = windowOf(3);
    const refused = await book.take("u", 5, charge, 0);
    expect(refused).toEqual({ success: false, limit: 3, remaining: -2, reset: RESET });
    expect((await book.take("u", 5, charge, 1)).success).toBe(false);
    expect(state.charges).toEqual([5, 1]);
    const nextBucket = await book.take("u", 5, charge, RESET);
    expect(state.charges).toEqual([5, 1, 5]);
    expect(nextBucket.success).toBe(false);
  });

  it("shrink near the limit to what the last charge said remained, so one isolate is exact", async () => {
    const book = new LeaseBook();
    const { state, charge } = windowOf(7);
    for (let i = 0; i < 7; i++) expect((await book.take("u", 5, charge, 1)).success).toBe(true);
    // 5, then what remained (2): all seven units served, none lost to a refused lease.
    expect(state.charges).toEqual([5, 2]);
    expect((await book.take("u", 5, charge, 1)).success).toBe(false);
    expect(state.charges).toEqual([5, 2, 1]);
  });

  it("add a late charge's unclaimed units to those held in the same bucket, reporting the lower remaining", async () => {
    const book = new LeaseBook();
    const slow = deferred();
    const fast = deferred();
    const charges: number[] = [];
    const charge: Charge = (units) => {
      charges.push(units);
      return charges.length === 1 ? slow.promise : fast.promise;
    };
    const first = book.take("u", 3, charge, 0);
    const second = book.take("u", 3, charge, 2_000); // too late to join the first: its own charge
    fast.resolve({ success: true, limit: LIMIT, remaining: 80, reset: RESET });
    expect((await second).remaining).toBe(82);
    slow.resolve({ success: true, limit: LIMIT, remaining: 70, reset: RESET });
    expect((await first).remaining).toBe(72);
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await book.take("u", 3, charge, 2_001)).remaining);
    expect(served).toEqual([73, 72, 71, 70]);
    expect(charges).toEqual([3, 3]);
  });

  it("replace held units by a late charge's from another bucket", async () => {
    const book = new LeaseBook();
    const slow = deferred();
    const fast = deferred();
    const charges: number[] = [];
    const charge: Charge = (units) => {
      charges.push(units);
      return charges.length === 1 ? slow.promise : fast.promise;
    };
    const first = book.take("u", 3, charge, 0);
    const second = book.take("u", 3, charge, 2_000);
    fast.resolve({ success: true, limit: LIMIT, remaining: 80, reset: RESET });
    await second;
    slow.resolve({ success: true, limit: LIMIT, remaining: 70, reset: RESET + 1 });
    await first;
    const served = [];
    for (let i = 0; i < 2; i++) served.push((await book.take("u", 3, charge, 2_001)).remaining);
    expect(served).toEqual([71, 70]);
    expect(charges).toEqual([3, 3]);
  });

  it("let requests that arrive during a charge claim its units instead of charging again", async () => {
    const book = new LeaseBook();
    const pending = deferred();
    const charges: number[] = [];
    const charge: Charge = (units) => {
      charges.push(units);
      return pending.promise;
    };
    const kept: Promise<unknown>[] = [];
    const outcomes = [0, 1, 2].map((i) => book.take("u", 3, charge, i, (p) => kept.push(p)));
    const fourth = book.take("u", 3, charge, 3, (p) => kept.push(p));
    pending.resolve({ success: true, limit: LIMIT, remaining: 50, reset: RESET });
    expect((await Promise.all(outcomes)).map((o) => o.remaining)).toEqual([52, 51, 50]);
    expect(charges).toEqual([3, 3]);
    await fourth;
    expect(kept).toHaveLength(2);
  });

  it("report a refused charge to the requests that joined it", async () => {
    const book = new LeaseBook();
    const pending = deferred();
    const charge: Charge = () => pending.promise;
    const outcomes = [book.take("u", 3, charge, 0), book.take("u", 3, charge, 1)];
    const refused = { success: false, limit: LIMIT, remaining: -1, reset: RESET };
    pending.resolve(refused);
    expect(await Promise.all(outcomes)).toEqual([refused, refused]);
  });

  it("pass a failed charge on, and charge again on the next request", async () => {
    const book = new LeaseBook();
    const { state, charge } = windowOf();
    const failing: Charge = () => Promise.reject(new Error("redis down"));
    let kept: Promise<unknown> | undefined;
    const failed = book.take("u", 5, failing, 0, (p) => {
      kept = p;
    });
    await expect(failed).rejects.toThrow("redis down");
    await expect(kept).resolves.toBeUndefined();
    await book.take("u", 5, charge, 1);
    expect(state.charges).toEqual([5]);
  });

  it("do not join a charge that has been in flight for two seconds", async () => {
    const book = new LeaseBook();
    const pending = deferred();
    const charges: number[] = [];
    const charge: Charge = (units) => {
      charges.push(units);
      return charges.length === 1 ? pending.promise : windowOf().charge(units);
    };
    void book.take("u", 5, charge, 0);
    await book.take("u", 5, charge, 1_999 + 1);
    expect(charges).toEqual([5, 5]);
    pending.resolve({ success: true, limit: LIMIT, remaining: 90, reset: RESET });
  });

  it("join a charge for two seconds from when it started, whatever the clock reads", async () => {
    const book = new LeaseBook();
    const pending = deferred();
    const charges: number[] = [];
    const charge: Charge = (units) => {
      charges.push(units);
      return charges.length === 1 ? pending.promise : windowOf().charge(units);
    };
    const t0 = 1_700_000_000_000;
    const first = book.take("u", 5, charge, t0);
    const joined = book.take("u", 5, charge, t0 + 1_999);
    pending.resolve({ success: true, limit: LIMIT, remaining: 90, reset: t0 + RESET });
    await Promise.all([first, joined]);
    expect(charges).toEqual([5]);
  });

  it("keep a newer charge joinable when an older one settles or fails first", async () => {
    for (const settle of ["resolve", "reject"] as const) {
      const book = new LeaseBook();
      const older = deferred();
      const newer = deferred();
      const charges: number[] = [];
      const charge: Charge = (units) => {
        charges.push(units);
        return charges.length === 1 ? older.promise : newer.promise;
      };
      const first = book.take("u", 3, charge, 0).catch(() => undefined);
      const second = book.take("u", 3, charge, 2_000);
      if (settle === "resolve") older.resolve({ success: true, limit: LIMIT, remaining: 90, reset: 1 });
      else older.reject(new Error("redis down"));
      await first;
      const joined = book.take("u", 3, charge, 2_001);
      newer.resolve({ success: true, limit: LIMIT, remaining: 80, reset: RESET });
      expect((await joined).remaining).toBe(81);
      await second;
      expect([settle, charges]).toEqual([settle, [3, 3]]);
    }
  });

  it("add nothing when a late charge had no unclaimed units left", async () => {
    const book = new LeaseBook();
    const slow = deferred();
    const fast = deferred();
    const charges: number[] = [];
    const charge: Charge = (units) => {
      charges.push(units);
      return charges.length === 1 ? slow.promise : fast.promise;
    };
    const first = book.take("u", 1, charge, 0);
    const second = book.take("u", 3, charge, 2_000);
    fast.resolve({ success: true, limit: LIMIT, remaining: 80, reset: RESET });
    await second;
    slow.resolve({ success: true, limit: LIMIT, remaining: 70, reset: RESET });
    await first;
    expect((await book.take("u", 3, charge, 2_001)).remaining).toBe(81);
  });

  it("leave no timer behind once a joined charge settles", async () => {
    vi.useFakeTimers();
    const book = new LeaseBook();
    const pending = deferred();
    const charge: Charge = () => pending.promise;
    const first = book.take("u", 3, charge, 0);
    const joined = book.take("u", 3, charge, 1);
    expect(vi.getTimerCount()).toBe(1);
    pending.resolve({ success: true, limit: LIMIT, remaining: 50, reset: RESET });
    await Promise.all([first, joined]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stop waiting for a charge that never settles after two seconds, and charge one unit alone", async () => {
    vi.useFakeTimers();
    const book = new LeaseBook();
    const charges: number[] = [];
    const never = new Promise<LimitOutcome>(() => undefined);
    const charge: Charge = (units) => {
      charges.push(units);
      return charges.length === 1 ? never : windowOf().charge(units);
    };
    void book.take("u", 5, charge, 0);
    let settled = false;
    const joined = book.take("u", 5, charge, 1).then((o) => {
      settled = true;
      return o;
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await joined).toMatchObject({ success: true, remaining: 99 });
    expect(charges).toEqual([5, 1]);
  });

  it("forget the oldest account beyond 10,000 keys (which can only refuse early)", async () => {
    const book = new LeaseBook();
    const { state, charge } = windowOf(1_000_000);
    await book.take("oldest", 2, charge, 0);
    await book.take("second", 2, charge, 0);
    for (let i = 0; i < 9_998; i++) await book.take(`k${i}`, 1, charge, 0);
    await book.take("second", 2, charge, 0); // still held: no charge
    expect(state.charges.length).toBe(10_000);
    await book.take("newest", 1, charge, 0);
    await book.take("oldest", 2, charge, 0); // forgotten: charges again
    expect(state.charges.slice(-2)).toEqual([1, 2]);
  });
});
