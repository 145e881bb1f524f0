import {
  AUDIT_OUTBOX_FIELD,
  AUDIT_OUTBOX_GROUP,
  AUDIT_OUTBOX_STREAM,
  auditEventSchema,
} from "@tron-auth/shared/protocol";
import type { Redis } from "@upstash/redis";
import type { Logger } from "pino";
import { z } from "zod";
import type { AuditStore } from "./store.ts";

const BATCH = 100;

const entriesSchema = z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.array(z.string())]))]));

export type DrainState = {
  lastRunAt: Date | null;
  lastError: string | null;
  stored: number;
  duplicates: number;
  malformed: number;
  /** Entries not yet acknowledged: pending in the group plus not yet delivered. */
  lag: number | null;
};

export type OutboxDrain = { state(): DrainState; drainOnce(): Promise<number>; stop(): Promise<void> };

/**
 * Moves the worker's audit events from the Redis stream into MongoDB with a consumer group.
 * Each entry is acknowledged only after its write; after a crash the consumer first re-reads its
 * own pending entries ("0"), and the unique event id makes the second write a no-op, so nothing
 * is lost and nothing is stored twice. A malformed entry is acknowledged and counted, not retried
 * forever.
 */
export function startOutboxDrain(opts: {
  redis: Redis;
  audit: AuditStore;
  consumer: string;
  intervalMs: number;
  log: Logger;
}): OutboxDrain {
  const { redis, audit, consumer, log } = opts;
  const state: DrainState = {
    lastRunAt: null,
    lastError: null,
    stored: 0,
    duplicates: 0,
    malformed: 0,
    lag: null,
  };
  let groupReady = false;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function ensureGroup(): Promise<void> {
    if (groupReady) return;
    try {
      await redis.xgroup(AUDIT_OUTBOX_STREAM, {
        type: "CREATE",
        group: AUDIT_OUTBOX_GROUP,
        id: "0",
        options: { MKSTREAM: true },
      });
    } catch (error) {
      if (!String(error).includes("BUSYGROUP")) throw error;
    }
    groupReady = true;
  }

  async function read(id: "0" | ">"): Promise<[string, string[]][]> {
    const raw = await redis.xreadgroup(AUDIT_OUTBOX_GROUP, consumer, AUDIT_OUTBOX_STREAM, id, {
      count: BATCH,
    });
    const parsed = entriesSchema.safeParse(raw ?? []);
    return parsed.success ? (parsed.data[0]?.[1] ?? []) : [];
  }

  async function store(entryId: string, fields: string[]): Promise<void> {
    const at = fields.indexOf(AUDIT_OUTBOX_FIELD);
    let event: unknown;
    try {
      event = JSON.parse(fields[at + 1] ?? "");
    } catch {
      event = undefined;
    }
    const parsed = at >= 0 ? auditEventSchema.safeParse(event) : undefined;
    if (!parsed?.success) {
      state.malformed++;
      log.warn({ entryId }, "malformed audit outbox entry acknowledged without storing");
    } else if (await audit.record(parsed.data)) state.stored++;
    else state.duplicates++;
    await redis.xack(AUDIT_OUTBOX_STREAM, AUDIT_OUTBOX_GROUP, entryId);
  }

  async function measureLag(): Promise<number | null> {
    const groups = (await redis.xinfo(AUDIT_OUTBOX_STREAM, { type: "GROUPS" })) as unknown[];
    for (const g of groups) {
      if (!Array.isArray(g)) continue;
      const fields = new Map<string, unknown>();
      for (let i = 0; i + 1 < g.length; i += 2) fields.set(String(g[i]), g[i + 1]);
      if (fields.get("name") !== AUDIT_OUTBOX_GROUP) continue;
      return Number(fields.get("lag") ?? 0) + Number(fields.get("pending") ?? 0);
    }
    return null;
  }

  async function drain(): Promise<number> {
    await ensureGroup();
    let moved = 0;
    for (const id of ["0", ">"] as const) {
      for (;;) {
        const entries = await read(id);
        for (const [entryId, fields] of entries) await store(entryId, fields);
        moved += entries.length;
        if (entries.length < BATCH || stopped) break;
      }
    }
    state.lag = await measureLag();
    return moved;
  }

  const drainOnce = (): Promise<number> => {
    running ??= drain()
      .then((n) => {
        state.lastError = null;
        return n;
      })
      .catch((error: unknown) => {
        state.lastError = error instanceof Error ? error.message : String(error);
        groupReady = false;
        log.warn({ err: state.lastError }, "audit outbox drain failed; will retry");
        return 0;
      })
      .finally(() => {
        state.lastRunAt = new Date();
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => void drainOnce(), opts.intervalMs);
  timer.unref();
  void drainOnce();
  return {
    state: () => ({ ...state }),
    drainOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
