import type { AuditChainFailure, AuditChainReport } from "@tron-auth/shared/protocol";
import type { Collection } from "mongodb";
import { ChainKey, GENESIS_LINK } from "./chain-key.ts";
import type { ChainState, Checkpoint, StoredHead } from "./chain-state.ts";
import { LINKED, type StoredEvent } from "./events-collection.ts";

/** Documents per round trip: memory stays bounded by one batch, whatever the log's size. */
const BATCH = 1_000;

type Failure = AuditChainFailure;
const fail = (kind: Failure["kind"], seq: number | null, detail: string, eventId?: string): Failure => ({
  kind,
  seq,
  detail,
  ...(eventId === undefined ? {} : { eventId }),
});

/**
 * Walks the whole chain once, in sequence order, streaming, and reports the first thing that is not
 * as the bridge wrote it. What each kind means:
 *
 * - inserted: a document the bridge never wrote: its seal (the MAC of its id) is wrong, or it has
 *   no place in the chain yet is newer than the chain's start.
 * - removed: a sequence number is missing: a gap, a deleted prefix with no checkpoint covering it,
 *   or a head past the last stored event.
 * - reordered: a genuine event (its seal holds) that does not follow the event before it (its
 *   `prev` is another event's link), or a sequence number stored twice: moved, not edited.
 * - changed: a genuine event in its place (its `prev` is right) whose contents no longer match its
 *   link; also a checkpoint or chain start whose MAC does not hold.
 *
 * Order of checks per event: seal, then sequence number, then `prev`, then link: each kind is
 * decided by the first check that fails, which is what the tamper tests rely on.
 */
export async function verifyChain(
  events: Collection<StoredEvent>,
  state: ChainState,
  key: ChainKey,
): Promise<AuditChainReport> {
  // Read before the events: appends after this point only add events past the head, which is fine.
  const [head, checkpoint] = [await state.head(), await state.checkpoint()];
  const unlinked = await events.countDocuments({ seq: { $exists: false } });
  const report = (checked: number, failure: Failure | null): AuditChainReport => ({
    ok: failure === null,
    checked,
    unlinked,
    checkpoint: checkpoint ? { seq: checkpoint.seq, link: checkpoint.link, at: iso(checkpoint.at) } : null,
    head: head ? { seq: head.seq, link: head.link, startedAt: iso(head.startedAt) } : null,
    failure,
  });

  const stateFailure = checkState(head, checkpoint, key);
  if (stateFailure) return report(0, stateFailure);
  const lateUnlinked = await unlinkedAfterStart(events, head);
  if (lateUnlinked) return report(0, lateUnlinked);

  const walk = new Walk(key, head, checkpoint);
  const cursor = events.find(LINKED).sort({ seq: 1, _id: 1 }).batchSize(BATCH);
  try {
    for await (const doc of cursor) {
      const failure = walk.step(doc);
      if (failure) return report(walk.checked, failure);
    }
  } finally {
    await cursor.close();
  }
  return report(walk.checked, walk.end());
}

function checkState(head: StoredHead | null, checkpoint: Checkpoint | null, key: ChainKey): Failure | null {
  if (checkpoint && !ChainKey.same(checkpoint.mac, key.checkpoint(checkpoint))) {
    return fail("changed", checkpoint.seq, "the purge checkpoint was not written with the chain key");
  }
  if (head && !ChainKey.same(head.startMac, key.start(head.startedAt))) {
    return fail("changed", null, "the chain's start time was not written with the chain key");
  }
  return null;
}

/**
 * Unlinked events are accepted only as what they claim to be: stored before the chain started.
 * One dated after the start was put there by someone else (the bridge links every event now).
 */
async function unlinkedAfterStart(
  events: Collection<StoredEvent>,
  head: StoredHead | null,
): Promise<Failure | null> {
  const filter = head ? { seq: { $exists: false }, at: { $not: { $lt: head.startedAt } } } : null;
  const late = filter ? await events.findOne(filter, { projection: { _id: 1 } }) : null;
  return late
    ? fail("inserted", null, "an event without a place in the chain, dated after the chain started", late._id)
    : null;
}

/** The walk's state between events: what the next one must be. */
class Walk {
  checked = 0;
  #expected: number;
  #prev: string;
  #started = false;
  readonly #key: ChainKey;
  readonly #head: StoredHead | null;
  readonly #checkpoint: Checkpoint | null;

  constructor(key: ChainKey, head: StoredHead | null, checkpoint: Checkpoint | null) {
    this.#key = key;
    this.#head = head;
    this.#checkpoint = checkpoint;
    // Without events, the chain ends where the purge left it.
    this.#expected = (checkpoint?.seq ?? 0) + 1;
    this.#prev = checkpoint?.link ?? GENESIS_LINK;
  }

  step(doc: StoredEvent): Failure | null {
    const { _id: id, seq } = doc;
    if (!ChainKey.same(doc.seal, this.#key.seal(id))) {
      return fail(
        "inserted",
        typeof seq === "number" ? seq : null,
        "not written by the bridge (no valid seal)",
        id,
      );
    }
    if (typeof seq !== "number" || !Number.isSafeInteger(seq)) {
      return fail("changed", this.#expected, "the sequence number is not an integer", id);
    }
    if (!this.#started) {
      this.#started = true;
      this.#resumeBeforeCheckpoint(doc, seq);
    }
    if (seq > this.#expected) {
      const what =
        this.#expected === 1 && !this.#checkpoint ? "no checkpoint covers the events before it" : "missing";
      return fail("removed", this.#expected, `sequence ${this.#expected} is ${what}`);
    }
    if (seq < this.#expected) return fail("reordered", seq, "a second event with this sequence number", id);
    if (doc.prev !== this.#prev) {
      return fail("reordered", seq, "this event does not follow the one before it", id);
    }
    const { link } = doc;
    if (typeof link !== "string" || !ChainKey.same(link, this.#key.link(doc))) {
      return fail("changed", seq, "the event's contents do not match its link", id);
    }
    if (this.#head?.seq === seq && link !== this.#head.link) {
      return fail("changed", seq, "the event does not match the chain head", id);
    }
    this.#prev = link;
    this.#expected = seq + 1;
    this.checked++;
    return null;
  }

  /**
   * The first stored event is normally right after the checkpoint (or the genesis). At or before
   * the checkpoint means a purge stopped between writing it and deleting: then the walk trusts
   * that event's `prev` and must arrive at the checkpoint's link when it passes the checkpoint.
   */
  #resumeBeforeCheckpoint(doc: StoredEvent, seq: number): void {
    if (this.#checkpoint && seq <= this.#checkpoint.seq) {
      this.#expected = seq;
      this.#prev = typeof doc.prev === "string" ? doc.prev : "";
    }
  }

  /** After the last event: the head must not be past it. */
  end(): Failure | null {
    const last = this.#expected - 1;
    if (!this.#head) {
      return last > 0 ? fail("removed", null, "the chain head document is missing") : null;
    }
    if (this.#head.seq > last) {
      return fail(
        "removed",
        last + 1,
        `events ${last + 1} to ${this.#head.seq} are missing (the head is past them)`,
      );
    }
    if (this.#head.seq === last && this.#head.link !== this.#prev) {
      return fail("changed", last, "the chain head does not match the last event");
    }
    return null;
  }
}

function iso(value: unknown): string {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : String(value);
}
