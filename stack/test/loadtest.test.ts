import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LoadtestSummary } from "../loadtest/report.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const out = mkdtempSync(join(tmpdir(), "loadtest-smoke-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Locust's own final count of every request (its --json-file: one entry per request name). */
function locustTotal(jsonFile: string): number {
  const entries = JSON.parse(readFileSync(jsonFile, "utf8")) as { num_requests: number }[];
  return entries.reduce((n, e) => n + e.num_requests, 0);
}

describe("npm run loadtest, a short smoke run of the same entry", () => {
  it("signs in, refreshes, reads as members and admins, meets the designed 429s, and writes the CSV files and the plot", () => {
    const png = join(out, "loadtest.png");
    // The same wrapper as `npm run loadtest`: it installs Locust into .cache when missing.
    const run = spawnSync(
      "bash",
      [join(ROOT, "scripts", "loadtest.sh"), "--seconds", "6", "--users", "10", "--out", out, "--plot", png],
      { cwd: ROOT, encoding: "utf8", timeout: 220_000 },
    );
    const said = `${run.stdout}\n${run.stderr}`;
    expect(run.status, said).toBe(0);
    expect(run.stdout).toContain("the seeds' targets:");

    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as LoadtestSummary;
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.unexpected, said).toEqual({});
    // The flood client outran its per-IP challenge limit, and its 429s were recognised as designed.
    expect(summary.designed429, said).toBeGreaterThan(0);
    const outcomes = JSON.parse(readFileSync(join(out, "outcomes.json"), "utf8")) as {
      names: Record<string, { statuses: Record<string, number> }>;
    };
    // Clients start spread evenly over their cycle, so the first of each kind starts with its
    // first action: a sign-in signed by Locust (TIP-191 in Python), an admin list.
    const ok = (name: string) => [name, (outcomes.names[name]?.statuses["200"] ?? 0) > 0];
    for (const name of ["POST /v1/auth/login", "POST /v1/auth/refresh", "GET /v1/me", "GET /v1/admin/users"])
      expect(ok(name)).toEqual([name, true]);

    // Locust's CSV files, agreeing with our tally; the per-second timeline; the PNG.
    expect(locustTotal(join(out, "locust.json"))).toBe(summary.requests);
    for (const csv of ["locust_stats.csv", "locust_stats_history.csv"])
      expect(existsSync(join(out, csv))).toBe(true);
    const timeline = readFileSync(join(out, "timeline.csv"), "utf8").trim().split("\n");
    expect(timeline.length).toBeGreaterThan(2);
    expect(readFileSync(png).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(statSync(png).size).toBeGreaterThan(10_000);
    // The clients' keys and tokens are not left behind.
    expect(existsSync(join(out, "plan.json"))).toBe(false);
  });
});
