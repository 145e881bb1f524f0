import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Row } from "../chaos/scenario.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const out = mkdtempSync(join(tmpdir(), "chaos-short-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run chaos, a short run of the same entry", () => {
  it("kills and restarts redis-server, the Upstash server, the bridge and FerretDB under load; every row passes", () => {
    const json = join(out, "rows.json");
    const run = spawnSync(
      "bash",
      [join(ROOT, "scripts", "chaos.sh"), "--outage", "2", "--users", "2", "--json", json],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 200_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const said = run.stdout
      .split("\n")
      .filter((l) => !l.startsWith("{"))
      .join("\n");
    expect(run.status, `${said}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(
      "| fault | requests | outcomes by status | events expected/stored | recovery | result |",
    );
    const rows = JSON.parse(readFileSync(json, "utf8")) as Row[];
    expect(rows.map((r) => r.fault.split(" ")[0])).toEqual(["bridge", "mongo", "upstash", "redis"]);
    for (const row of rows) {
      expect([row.fault, row.checks.filter((c) => !c.ok)]).toEqual([row.fault, []]);
      // Each fault was met: the load saw the designed 503s, or requests waited the outage out (a
      // short MongoDB outage is shorter than the driver's server-selection wait); and events were
      // checked at all.
      expect([row.fault, (row.byStatus["503"] ?? 0) + row.heldThrough > 0]).toEqual([row.fault, true]);
      expect(row.events.expected).toBeGreaterThan(0);
      expect(row.events.stored).toBe(row.events.expected);
    }
  });
});
