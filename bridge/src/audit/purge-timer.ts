import type { Logger } from "pino";
import type { AuditStore } from "./store.ts";

export type PurgeState = { lastRunAt: Date | null; lastError: string | null; deleted: number };

export type PurgeTimer = { state(): PurgeState; runNow(): Promise<void>; stop(): void };

/**
 * Deletes audit events past retention on an interval. It always runs, TTL index or not: FerretDB
 * accepts a TTL index without ever expiring anything, and a redundant delete costs one query.
 */
export function startAuditPurge(audit: AuditStore, intervalMs: number, log: Logger): PurgeTimer {
  const state: PurgeState = { lastRunAt: null, lastError: null, deleted: 0 };
  let running: Promise<void> | null = null;
  const runNow = () => {
    running ??= audit
      .purgeExpired()
      .then((deleted) => {
        state.deleted += deleted;
        state.lastError = null;
        if (deleted > 0) log.info({ deleted }, "audit events past retention purged");
      })
      .catch((error: unknown) => {
        state.lastError = error instanceof Error ? error.message : String(error);
        log.warn({ err: error }, "audit purge failed");
      })
      .finally(() => {
        state.lastRunAt = new Date();
        running = null;
      });
    return running;
  };
  const timer = setInterval(runNow, intervalMs);
  timer.unref();
  return { state: () => ({ ...state }), runNow, stop: () => clearInterval(timer) };
}
