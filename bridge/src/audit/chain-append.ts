import type { Collection } from "mongodb";
import { isDuplicateKeyError } from "../db/mongo.ts";
import type { ChainKey } from "./chain-key.ts";
import type { ChainHead, ChainState } from "./chain-state.ts";
import { LINKED, type StoredEvent } from "./events-collection.ts";

/** An event as the store builds it, before it has a place in the chain. */
export type EventBody = { _id: string } & Record<string, unknown>;

/** Attempts before an append gives up: each lost race means another writer appended, so this is never reached by contention between two or three processes. */
const MAX_ATTEMPTS = 50;

/**
 * Appends events to one keyed hash chain: event n stores `seq` n, `prev` (the link of event n-1),
 * `seal` (the MAC of its id) and `link` (the MAC of everything else it stores).
 *
 * Serialisation: a unique index on `seq` is what makes a fork impossible: of two writers that
 * read the same head, across processes too, exactly one inserts the next sequence number; the
 * other meets the index, re-reads the head and tries again. The event is inserted first and the
 * head moved after it by compare-and-set, so a process dying between the two leaves a complete,
 * valid event the head has not reached yet; the next writer to meet it moves the head on (helps)
 * and appends after it. No order of failures leaves a gap. Within one process appends also queue
 * behind each other, so the process does not race itself and usually knows the head without
 * reading it (one insert and one head update per event).
 *
 * Idempotence: the event id stays the document's `_id`. A re-delivered event meets that unique
 * index instead and is reported as a duplicate, whatever sequence number it tried: it is never
 * linked twice.
 */
export class ChainAppender {
  readonly #events: Collection<StoredEvent>;
  readonly #state: ChainState;
  readonly #key: ChainKey;
  #queue: Promise<unknown> = Promise.resolve();
  /** The head after this process's last append; null when another writer may have moved it. */
  #known: ChainHead | null = null;

  constructor(events: Collection<StoredEvent>, state: ChainState, key: ChainKey) {
    this.#events = events;
    this.#state = state;
    this.#key = key;
  }

  /** Stores the event at the chain's tip; false when an event with its id is already stored. */
  append(body: EventBody): Promise<boolean> {
    const run = this.#queue.then(() => this.#append(body));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(body: EventBody): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = this.#known ?? (await this.#state.headOrStart(() => this.#tip()));
      const unlinked = { ...body, seq: head.seq + 1, prev: head.link, seal: this.#key.seal(body._id) };
      const doc = { ...unlinked, link: this.#key.link(unlinked) };
      try {
        await this.#events.insertOne(doc, { ignoreUndefined: true });
      } catch (error) {
        this.#known = null;
        if (!isDuplicateKeyError(error)) throw error;
        if (await this.#events.findOne({ _id: body._id }, { projection: { _id: 1 } })) return false;
        await this.#helpHead();
        continue;
      }
      const next = { seq: doc.seq, link: doc.link };
      // A miss means a helper moved the head past this event already: then it is no longer known here.
      this.#known = (await this.#state.advance(head, next)) ? next : null;
      return true;
    }
    throw new Error(`audit chain: no free sequence number after ${MAX_ATTEMPTS} attempts`);
  }

  /** The newest linked event, by sequence number. */
  async #tip(): Promise<ChainHead | null> {
    const [last] = await this.#events
      .find(LINKED, { projection: { seq: 1, link: 1 } })
      .sort({ seq: -1 })
      .limit(1)
      .toArray();
    return last && typeof last.seq === "number" && typeof last.link === "string"
      ? { seq: last.seq, link: last.link }
      : null;
  }

  /**
   * The next sequence number is taken but the head was not moved to it: its writer has not got
   * there yet, or died first. Move the head to the stored tip, so this writer (and every later one)
   * appends after it.
   */
  async #helpHead(): Promise<void> {
    const head = await this.#state.headOrStart(() => this.#tip());
    const tip = await this.#tip();
    if (tip && tip.seq > head.seq) await this.#state.advance(head, tip);
  }
}
