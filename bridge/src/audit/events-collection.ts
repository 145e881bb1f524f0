import type { Collection, Db } from "mongodb";
import type { ChainedFields } from "./chain-key.ts";

/**
 * A stored audit event as the chain sees it: any fields (the event's), and its place in the chain
 * when it has one. Events stored before the chain existed have none of the chain fields.
 */
export type StoredEvent = { _id: string; at?: unknown } & Partial<ChainedFields> & Record<string, unknown>;

export function eventsCollection(db: Db): Collection<StoredEvent> {
  return db.collection<StoredEvent>("audit_events");
}

/** Linked events only, in chain order: the filter every chain reader uses with `sort({ seq: 1 })`. */
export const LINKED = { seq: { $exists: true } } as const;
