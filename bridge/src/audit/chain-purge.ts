import type { Collection } from "mongodb";
import type { ChainState } from "./chain-state.ts";
import { LINKED, type StoredEvent } from "./events-collection.ts";

/**
 * Deletes what is past retention without breaking the chain.
 *
 * Linked events go only as a prefix of the chain: every event before the first one still inside
 * retention. An event that arrived late with an old `at` (from the outbox after an outage) waits
 * until everything before it has expired too, and an event dated in the future holds back the
 * ones after it until it expires: both are bounded by the producers' clocks and keep the chain
 * whole. Before deleting, the last event to go is written down as the checkpoint (sequence,
 * link, time, under the chain key), so verification starts after it and a deleted prefix
 * without a checkpoint, or a checkpoint not made with the key, shows. A purge that dies between
 * the checkpoint and the delete leaves events the verifier walks through up to the checkpoint.
 *
 * Events stored before the chain existed (no `seq`) are removed by age, as before.
 */
export async function purgeChain(
  events: Collection<StoredEvent>,
  state: ChainState,
  cutoff: Date,
  now: Date,
): Promise<number> {
  const legacy = await events.deleteMany({ seq: { $exists: false }, at: { $lt: cutoff } });
  const last = await lastExpired(events, cutoff);
  if (!last) return legacy.deletedCount;
  const { seq, link, at } = last;
  if (typeof seq !== "number" || typeof link !== "string" || !(at instanceof Date)) {
    throw malformed(seq);
  }
  await state.writeCheckpoint({ seq, link, at }, now);
  const linked = await events.deleteMany({ seq: { $lte: seq } });
  return legacy.deletedCount + linked.deletedCount;
}

/** The last event of the expired prefix, or null when the chain's first event is still kept. */
async function lastExpired(events: Collection<StoredEvent>, cutoff: Date): Promise<StoredEvent | null> {
  const [firstKept] = await events
    .find({ ...LINKED, at: { $gte: cutoff } }, { projection: { seq: 1 } })
    .sort({ seq: 1 })
    .limit(1)
    .toArray();
  if (firstKept && typeof firstKept.seq !== "number") throw malformed(firstKept.seq);
  const before = typeof firstKept?.seq === "number" ? { seq: { $lt: firstKept.seq } } : LINKED;
  const [last] = await events.find(before).sort({ seq: -1 }).limit(1).toArray();
  return last ?? null;
}

/** Not what the bridge writes: keep the evidence for the verifier rather than purge past it. */
function malformed(seq: unknown): Error {
  return new Error(`audit purge stopped: the event at sequence ${String(seq)} is malformed`);
}
