import { AUDIT_OUTBOX_GROUP, AUDIT_OUTBOX_STREAM, type AuditEventInput } from "@tron-auth/shared/protocol";
import type { Redis } from "@upstash/redis";
import type { Logger } from "pino";
import { z } from "zod";
import type { OutboxVerdict, OutboxVerifier } from "./outbox-verify.ts";
import type { AuditStore } from "./store.ts";

const BATCH = 100;

const entriesSchema = z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.array(z.string())]))]));

export type DrainState = {
  lastRunAt: Date | null;
  lastError: string | null;
  stored: number;
  duplicates: number;
  /** Entries the worker did not sign (or that do not verify): quarantined as security events. */
  forged: number;
  /** Entries not yet acknowledged: pending in the group plus not yet delivered. */
  lag: number | null;
};

export type OutboxDrain = { state(): DrainState; drainOnce(): Promise<number>; stop(): Promise<void> };

/**
 * Moves the worker's audit events from the Redis stream into MongoDB with a consumer group.
 * Each entry is acknowledged only after its write; after a crash the consumer first re-reads its
 * own pending entries ("0"), and the unique event id makes the second write a no-op, so nothing
 * is lost and nothing is stored twice. Only entries the worker signed are stored as events; any
 * other entry (unsigned, a bad signature, a signed entry whose event does not match) is
 * acknowledged and recorded as an `outbox_forgery` security event instead, not retried forever.
 */
export function startOutboxDrain(opts: {
  redis: Redis;
  audit: AuditStore;
  verify: OutboxVerifier;
  consumer: string;
  intervalMs: number;
  log: Logger;
}): OutboxDrain {
  const { redis, audit, verify, consumer, log } = opts;
  const state: DrainState = {
    lastRunAt: null,
    lastError: null,
    stored: 0,
    duplicates: 0,
    forged: 0,
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
    const verdict = await verify(fields);
    if (verdict.genuine) {
      if (await audit.record(verdict.event)) state.stored++;
      else state.duplicates++;
    } else {
      state.forged++;
      log.warn(
        { entryId, reason: verdict.reason },
        "audit outbox entry not signed by the worker: quarantined",
      );
      await audit.record(forgeryEvent(entryId, verdict, fields));
    }
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

const EXCERPT_CHARS = 512;

/**
 * What a forged entry becomes: a security event (its id derived from the stream entry, so a
 * redelivery is stored once) holding the reason and a bounded excerpt for an investigator. The
 * claimed event is never stored as if it had happened.
 */
function forgeryEvent(
  entryId: string,
  verdict: Extract<OutboxVerdict, { genuine: false }>,
  fields: readonly string[],
): AuditEventInput {
  return {
    id: `outbox_forgery_${entryId.replace(/[^0-9-]/g, "")}`,
    at: new Date(),
    type: "outbox_forgery",
    outcome: "denied",
    details: {
      entryId,
      reason: verdict.reason,
      fieldNames: fields.filter((_, i) => i % 2 === 0).slice(0, 8),
      excerpt: fields.join(" ").slice(0, EXCERPT_CHARS),
    },
  };
}
