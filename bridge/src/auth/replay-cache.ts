/**
 * Remembers assertion ids until they expire, so a captured assertion cannot be replayed within its
 * 60-second life. In-process is enough: the bridge is one process, and after a restart every
 * earlier assertion is at most 60 s from expiring anyway (documented in the README).
 */
export class ReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(maxEntries = 100_000) {
    this.#maxEntries = maxEntries;
  }

  /** Records `id` until `expiresAtMs`; false when it was already seen and has not expired. */
  remember(id: string, expiresAtMs: number, nowMs = Date.now()): boolean {
    const existing = this.#seen.get(id);
    if (existing !== undefined && existing > nowMs) return false;
    if (this.#seen.size >= this.#maxEntries) this.#evictExpired(nowMs);
    // Full of live entries means a flood; refusing keeps replay protection intact (fail closed).
    if (this.#seen.size >= this.#maxEntries) return false;
    this.#seen.set(id, expiresAtMs);
    return true;
  }

  #evictExpired(nowMs: number): void {
    for (const [id, exp] of this.#seen) if (exp <= nowMs) this.#seen.delete(id);
  }

  get size(): number {
    return this.#seen.size;
  }
}
