import type { OutboxDrain } from "../audit/outbox-drain.ts";
import type { Database } from "../db/mongo.ts";
import type { PurgeTimer } from "../db/purge-timer.ts";
import type { Probe } from "../health/report.ts";
import type { WalletService } from "../wallet/wallet-service.ts";

/** The database is critical (no logins without it); a stale audit purge only degrades. */
export function bridgeProbes(deps: {
  db: Database;
  purge: PurgeTimer;
  purgeIntervalMs: number;
  wallet: WalletService | undefined;
  outbox: OutboxDrain | undefined;
  outboxIntervalMs: number;
  maxOutboxLag: number;
}): Probe[] {
  return [
    {
      name: "audit_outbox",
      critical: false,
      check: async () => {
        if (!deps.outbox) return "disabled";
        const s = deps.outbox.state();
        const stale = !s.lastRunAt || Date.now() - s.lastRunAt.getTime() > 5 * deps.outboxIntervalMs + 5_000;
        if (s.lastError || stale) return "unhealthy";
        return (s.lag ?? 0) > deps.maxOutboxLag ? "degraded" : "healthy";
      },
    },
    {
      name: "database",
      critical: true,
      check: async () => {
        await deps.db.db.command({ ping: 1 });
        return "healthy";
      },
    },
    {
      name: "hardware_wallet",
      critical: false,
      // Last known state (the device is not asked from a health check: it may be mid-signature).
      check: async () => deps.wallet?.info().status ?? "disabled",
    },
    {
      name: "audit_retention",
      critical: false,
      check: async () => {
        const s = deps.purge.state();
        if (s.lastError) return "degraded";
        const overdue = s.lastRunAt && Date.now() - s.lastRunAt.getTime() > 3 * deps.purgeIntervalMs;
        return overdue ? "degraded" : "healthy";
      },
    },
  ];
}
