/** What the breaker let through: an ordinary call, or the one probe of a half-open breaker. */
export type Admission = "call" | "probe";

export type BreakerSettings = {
  /** Calls in a row the bridge did not answer that open the breaker. */
  failures: number;
  /** How long it stays open before one probe may go through. */
  coolDownMs: number;
};

/**
 * A circuit breaker for one route to the bridge, in one isolate. Closed: every call goes out and
 * unanswered ones are counted; `failures` in a row open it. Open: calls are refused at once (the
 * caller answers 503 `bridge_unavailable`) instead of each waiting for its own timeout. After the
 * cool-down it is half-open: exactly one call goes out as a probe while the others are still
 * refused; an answer closes it, no answer opens it for another cool-down.
 *
 * It only ever refuses calls, and every refusal is the same 503 a down bridge gives: nothing that
 * needs the bridge (sign-in, admin writes, signing, fresh roles) can succeed without it.
 */
export class BridgeBreaker {
  #failures = 0;
  /** When the open breaker may probe again; 0 while closed. */
  #openUntil = 0;
  #probing = false;

  /** Whether a call may go out at `now`, and as what; undefined: refuse it without calling. */
  admit(now: number): Admission | undefined {
    if (this.#openUntil === 0) return "call";
    if (this.#probing || now < this.#openUntil) return undefined;
    this.#probing = true;
    return "probe";
  }

  /** The bridge answered: the breaker closes, whichever call saw it. */
  answered(): void {
    this.#failures = 0;
    this.#openUntil = 0;
    this.#probing = false;
  }

  /** The bridge did not answer this call. */
  unanswered(admission: Admission, now: number, settings: BreakerSettings): void {
    if (admission === "probe") {
      this.#probing = false;
      this.#openUntil = now + settings.coolDownMs;
      return;
    }
    // Calls sent before the breaker opened and failing after add nothing: it is open already.
    if (this.#openUntil !== 0) return;
    if (++this.#failures >= settings.failures) this.#openUntil = now + settings.coolDownMs;
  }

  get state(): "closed" | "open" | "half-open" {
    if (this.#openUntil === 0) return "closed";
    return this.#probing ? "half-open" : "open";
  }
}

const byBinding = new WeakMap<object, BridgeBreaker>();
const byUrl = new Map<string, BridgeBreaker>();

/**
 * The breaker of one route to the bridge (a binding's Fetcher, or the development forwarder's
 * URL), kept for the isolate's life. Per route, so a test's deliberately dead binding never
 * opens the breaker of the real one.
 */
export function breakerFor(route: object | string): BridgeBreaker {
  const known = typeof route === "string" ? byUrl.get(route) : byBinding.get(route);
  if (known) return known;
  const breaker = new BridgeBreaker();
  if (typeof route === "string") byUrl.set(route, breaker);
  else byBinding.set(route, breaker);
  return breaker;
}
