import { describe, expect, it } from "vitest";
import { runSoak, soakTable } from "../soak/soak.ts";

/**
 * `npm run soak` in one minute: the same program, traffic and sampling; the bounds are generous
 * because a minute is mostly warm-up (see README "Reliability" for the ten-minute figures). What
 * it must catch: descriptors that climb with every session, and memory that grows by tens of KB
 * with every request.
 */
describe("soak, short", () => {
  it("keeps the bridge's and workerd's descriptors flat and their memory within bounds under steady load", async () => {
    const report = await runSoak({
      minutes: 1,
      warmupSeconds: 20,
      clients: 8,
      paceMs: 250,
      sampleEverySeconds: 2,
      // Forty seconds of fit after a twenty-second warm-up: a process still settling moves by tens
      // of MB a minute (21 MB/min seen for the bridge's process in one run, flat over ten minutes).
      // This bound catches a leak of tens of KB per request; the ten-minute run measures flatness.
      thresholds: { mbPerMinute: 64, fdsPerMinute: 10 },
    });
    const said = soakTable(report);
    const total = Object.values(report.tally).reduce((a, b) => a + b, 0);
    expect(total, said).toBeGreaterThan(500);
    // Every request answered as designed: no 5xx, no 429 at this pace, no dropped connection.
    expect(
      Object.keys(report.tally).filter((k) => !/ 20[04]$/.test(k)),
      said,
    ).toEqual([]);
    const judged = report.series.filter((s) => s.limit !== undefined).map((s) => s.name);
    expect(judged, said).toEqual([
      "bridge process RSS",
      "bridge process fds",
      "worker isolate heap",
      "workerd fds",
    ]);
    for (const s of report.series) expect(s.points.length, said).toBeGreaterThan(20);
    expect(
      report.series.filter((s) => !s.ok).map((s) => s.name),
      said,
    ).toEqual([]);
    expect(report.ok, said).toBe(true);
  }, 180_000);
});
