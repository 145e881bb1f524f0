import type { Logger } from "pino";

export type PurgeState = { lastRunAt: Date | null; lastError: string | null; deleted: number };

export type PurgeTimer = { state(): PurgeState; runNow(): Promise<void>; stop(): void };

/** Anything that deletes its own expired documents and says how many. */
export type Purgeable = { purgeExpired(now?: Date): Promise<number> };

/**
 * Deletes expired documents on an interval. It always runs, TTL index or not: FerretDB accepts
 * a TTL index without ever expiring anything, and a redundant delete costs one query.
 */
export function startPurge(store: Purgeable, intervalMs: number, log: Logger, what: string): PurgeTimer {
  const state: PurgeState = { lastRunAt: null, lastError: null, deleted: 0 };
  let running: Promise<void> | null = null;
  const runNow = () => {
    running ??= store
      .purgeExpired()
      .then((deleted) => {
        state.deleted += deleted;
        state.lastError = null;
        if (deleted > 0) log.info({ deleted }, `${what} purged`);
      })
      .catch((error: unknown) => {
        state.lastError = error instanceof Error ? error.message : String(error);
        log.warn({ err: error }, `${what} purge failed`);
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
