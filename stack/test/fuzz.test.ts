import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const out = mkdtempSync(join(tmpdir(), "fuzz-smoke-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run fuzz, a short run of the same entry", () => {
  it("finds nothing: every answer of every route, as USER, ADMIN and SUPER_ADMIN, matches the OpenAPI document", () => {
    const tally = join(out, "tally.json");
    // The same wrapper as `npm run fuzz`: it installs Schemathesis into .cache when missing. A fixed
    // seed and few examples per operation keep it to about a minute; `npm run fuzz` goes further.
    const run = spawnSync(
      "bash",
      [join(ROOT, "scripts", "fuzz.sh"), "--examples", "25", "--seed", "20261", "--tally", tally],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 220_000,
      },
    );
    const said = `${run.stdout}\n${run.stderr}`;
    expect(run.status, said).toBe(0);
    // Both runs tested every operation they selected; the main one ran the stateful phase too (the
    // lockdown's three operations alone have no links between them).
    const summaries = [...run.stdout.matchAll(/Selected: (\d+)\/(\d+)\s+Tested: (\d+)/g)];
    expect(
      summaries.map((m) => m[1] === m[3]),
      said,
    ).toEqual([true, true]);
    expect(run.stdout, said).toMatch(/✅ {2}Stateful \(in/);
    expect(run.stdout).toContain("fuzz: no findings");
    // The sessions reached the handlers: each role's routes answered with success, not only with
    // refusals, and the session-ending operations ended sessions of their own.
    const statuses = JSON.parse(readFileSync(tally, "utf8")) as Record<string, Record<string, number>>;
    const served = (operation: string, status: string) => [
      operation,
      (statuses[operation]?.[status] ?? 0) > 0,
    ];
    for (const [operation, status] of [
      ["GET /v1/me", "200"],
      ["GET /v1/admin/users", "200"],
      ["GET /v1/admin/audit", "200"],
      ["POST /v1/admin/lockdown", "200"],
      ["DELETE /v1/admin/lockdown", "204"],
      ["POST /v1/auth/logout", "204"],
      ["undeclared methods", "405"],
    ] as const)
      expect(served(operation, status), said).toEqual([operation, true]);
  });
});
