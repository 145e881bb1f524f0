import type { Row } from "./scenario.ts";

/** The table `npm run chaos` prints (Markdown, so a run can go into the README as it is). */
export function chaosTable(rows: Row[]): string {
  const head = "| fault | requests | outcomes by status | events expected/stored | recovery | result |";
  const rule = "| --- | ---: | --- | ---: | ---: | --- |";
  const lines = rows.map((r) => {
    const statuses = Object.entries(r.byStatus)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([s, n]) => `${s}: ${n}`)
      .join(", ");
    const events = `${r.events.expected}/${r.events.stored}${r.events.duplicated ? ` (${r.events.duplicated} twice)` : ""}`;
    const recovery = r.recoveryMs === undefined ? "none" : `${(r.recoveryMs / 1000).toFixed(1)} s`;
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    return `| ${r.fault} | ${r.requests} | ${statuses} | ${events} | ${recovery} | ${r.ok ? "pass" : `FAIL (${failed.join("; ")})`} |`;
  });
  return [head, rule, ...lines].join("\n");
}
