import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase, type Database } from "../src/db/mongo.ts";
import type { Spend } from "../src/wallet/policy.ts";
import { SpendLedger } from "../src/wallet/spend-ledger.ts";

let database: Database;
let ledger: SpendLedger;
beforeAll(async () => {
  database = await connectDatabase(inject("mongoUri"), `spend_${randomBytes(6).toString("hex")}`);
  ledger = new SpendLedger(database.db);
  await ledger.ensureIndexes();
});
afterAll(() => database.close());

const CAP = 10_000_000n;
const trx = (amount: bigint): Spend => ({ asset: "TRX", amount, cap24h: CAP, reason: "per_24h_cap" });
const at = (iso: string) => new Date(iso);
const reasonOf = (p: Promise<unknown>) =>
  p.then(
    () => "reserved",
    (e: { problem?: { reason?: string; detail?: string } }) => {
      // The caller is told which cap it reached, not only that the policy refused.
      expect(e.problem?.detail).toMatch(/24-hour/);
      return e.problem?.reason;
    },
  );

describe("spend ledger: a rolling 24-hour window per asset", () => {
  it("does not reset at UTC midnight: the whole cap at 23:59 leaves nothing at 00:01", async () => {
    expect(await reasonOf(ledger.reserve([trx(CAP)], at("2026-11-01T23:59:00Z")))).toBe("reserved");
    expect(await reasonOf(ledger.reserve([trx(1n)], at("2026-11-02T00:01:00Z")))).toBe("per_24h_cap");
    expect(await reasonOf(ledger.reserve([trx(1n)], at("2026-11-02T23:58:59Z")))).toBe("per_24h_cap");
    // 24 hours after it was signed, the amount has left the window.
    expect(await reasonOf(ledger.reserve([trx(CAP)], at("2026-11-02T23:59:00.001Z")))).toBe("reserved");
  });

  it("keeps assets apart, with token amounts beyond 2^64", async () => {
    const huge = 2n ** 200n;
    const token = (amount: bigint): Spend => ({
      asset: "TTokenAddress",
      amount,
      cap24h: huge,
      reason: "token_per_24h_cap",
    });
    const now = at("2026-11-05T12:00:00Z");
    expect(await reasonOf(ledger.reserve([token(huge - 1n)], now))).toBe("reserved");
    expect(await reasonOf(ledger.reserve([token(1n), trx(5n)], now))).toBe("reserved");
    expect(await ledger.spent("TTokenAddress", now)).toBe(huge);
    // One spend over its cap refuses the others with it: all or nothing.
    expect(await reasonOf(ledger.reserve([trx(1n), token(1n)], now))).toBe("token_per_24h_cap");
    expect(await ledger.spent("TRX", now)).toBe(5n);
  });

  it("gives a released reservation back at once", async () => {
    const now = at("2026-11-10T00:00:00Z");
    const held = await ledger.reserve([trx(CAP)], now);
    expect(await reasonOf(ledger.reserve([trx(1n)], now))).toBe("per_24h_cap");
    await ledger.release(held);
    expect(await ledger.spent("TRX", now)).toBe(0n);
    expect(await reasonOf(ledger.reserve([trx(CAP)], now))).toBe("reserved");
  });

  it("purges entries that left the window itself (FerretDB has no TTL indexes)", async () => {
    const entries = database.db.collection("wallet_spend_window");
    // Each reservation purged what was older; the one of 2026-11-10 remains until the next use.
    expect(await entries.countDocuments({})).toBe(1);
    await ledger.reserve([], at("2026-11-11T00:00:01Z"));
    expect(await entries.countDocuments({})).toBe(0);
  });

  it("releases only its own reservation, and records no entry for a zero amount", async () => {
    const now = at("2026-11-20T06:00:00Z");
    const kept = await ledger.reserve([trx(3n)], now);
    const released = await ledger.reserve([trx(4n), { ...trx(0n), asset: "TZero" }], now);
    expect(released).toHaveLength(1);
    expect(kept[0]).toMatch(/^spd/);
    await ledger.release(released);
    expect(await ledger.spent("TRX", now)).toBe(3n);
    await ledger.release(kept);
  });
});
