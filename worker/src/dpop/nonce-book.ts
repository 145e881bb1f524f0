import { base64url } from "jose";

type Generation = { nonce: string; startedAt: number; seen: Set<string> };

export type Admission = "fresh" | "replayed" | "unknown";

/**
 * This isolate's DPoP nonces, and the proofs it accepted under them.
 *
 * A nonce is valid only in the isolate that issued it, so every proof this isolate accepts with a
 * nonce carries one of its own, and this isolate alone sees every use of it: the `jti` check is
 * exact across isolates without asking Redis. A proof replayed to another isolate carries a nonce
 * that isolate never issued and is answered `use_dpop_nonce`, which a thief without the key cannot
 * follow. The price is one extra round trip for a client whose requests move to another isolate.
 *
 * A nonce is issued for `periodMs` and accepted for up to twice that (the current and the previous
 * generation), so clients that pick up the `DPoP-Nonce` sent with responses never see a refusal at
 * rotation. A generation remembers its accepted proofs until it expires, and a full one rotates
 * early, so memory stays bounded whatever the load.
 */
export class NonceBook {
  readonly #periodMs: number;
  readonly #maxSeen: number;
  #current: Generation | undefined;
  #previous: Generation | undefined;

  constructor(periodMs: number, maxSeen: number) {
    this.#periodMs = periodMs;
    this.#maxSeen = maxSeen;
  }

  /** The nonce clients should use now. */
  current(now: number): string {
    const current = this.#current;
    if (current && now - current.startedAt < this.#periodMs && current.seen.size < this.#maxSeen)
      return current.nonce;
    this.#previous = current && this.#valid(current, now) ? current : undefined;
    const next = { nonce: newNonce(), startedAt: now, seen: new Set<string>() };
    this.#current = next;
    return next.nonce;
  }

  /**
   * Records the proof `proofKey` (its key thumbprint and jti) under `nonce`: `fresh` the first time,
   * `replayed` after, `unknown` when the nonce is not one of this isolate's live ones.
   */
  admit(nonce: string, proofKey: string, now: number): Admission {
    const generation = [this.#current, this.#previous].find(
      (g) => g !== undefined && g.nonce === nonce && this.#valid(g, now),
    );
    if (!generation || generation.seen.size >= this.#maxSeen) return "unknown";
    if (generation.seen.has(proofKey)) return "replayed";
    generation.seen.add(proofKey);
    return "fresh";
  }

  #valid(g: Generation, now: number): boolean {
    return now - g.startedAt < 2 * this.#periodMs;
  }
}

function newNonce(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(18)));
}
