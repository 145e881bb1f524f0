import { createHmac, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { canonicalJson } from "./canonical.ts";

/** The `prev` of the chain's first event: not a MAC (43 characters), so no event can be it. */
export const GENESIS_LINK = "genesis";

/** A chained event as stored: the event's fields plus its place in the chain. */
export type ChainedFields = { _id: string; seq: number; prev: string; seal: string; link: string };

const MIN_KEY_BYTES = 32;

/**
 * The audit chain's HMAC-SHA256 key. It lives in a file beside the bridge's other secrets, never
 * in MongoDB: whoever can edit the database but not read this file cannot recompute a link after
 * an edit. Each MAC's input starts with its own label, so a value made for one purpose (a seal)
 * is never valid as another (a link or a checkpoint).
 */
export class ChainKey {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < MIN_KEY_BYTES)
      throw new Error(`the audit chain key must be at least ${MIN_KEY_BYTES} bytes`);
    this.#key = key;
  }

  /** The link of a stored document: everything in it but the link itself, canonically encoded. */
  link(doc: Record<string, unknown>): string {
    const { link: _, ...rest } = doc;
    return this.#mac("audit-link-v1", canonicalJson(rest));
  }

  /** Binds an event id to this key: a document the bridge never wrote has no valid seal. */
  seal(id: string): string {
    return this.#mac("audit-seal-v1", id);
  }

  /** Over the last purged event's sequence, link and time; the purge's own time is not covered. */
  checkpoint({ seq, link, at }: { seq: number; link: string; at: Date }): string {
    return this.#mac("audit-checkpoint-v1", canonicalJson({ seq, link, at }));
  }

  /** When the chain started: unlinked events newer than that cannot be old ones. */
  start(startedAt: Date): string {
    return this.#mac("audit-start-v1", canonicalJson({ startedAt }));
  }

  /** Constant-time comparison of a stored MAC with the one computed now. */
  static same(stored: unknown, computed: string): boolean {
    if (typeof stored !== "string" || stored.length !== computed.length) return false;
    return timingSafeEqual(Buffer.from(stored), Buffer.from(computed));
  }

  #mac(label: string, text: string): string {
    return createHmac("sha256", this.#key).update(`${label}\n${text}`).digest("base64url");
  }
}

/**
 * Reads AUDIT_CHAIN_KEY_FILE: base64 or base64url text of at least 32 random bytes (`openssl rand
 * -base64 32`), surrounding whitespace ignored.
 */
export async function readChainKey(path: string): Promise<ChainKey> {
  const text = (await readFile(path, "utf8")).trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new Error(
      `AUDIT_CHAIN_KEY_FILE (${path}) must hold base64 text of at least ${MIN_KEY_BYTES} bytes`,
    );
  }
  const key = Buffer.from(text.replaceAll("-", "+").replaceAll("_", "/"), "base64");
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(
      `AUDIT_CHAIN_KEY_FILE (${path}) holds ${key.length} bytes; at least ${MIN_KEY_BYTES} are needed`,
    );
  }
  return new ChainKey(key);
}
