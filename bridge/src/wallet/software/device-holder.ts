/** What the person holding a software device has done to it. */
export type DeviceMode = "ready" | "locked" | "app_closed" | "disconnected";

/** A confirmation's outcome: pressed, refused, or the conversation ended while nobody answered. */
export type Confirmation = "approved" | "rejected" | "abandoned";

/**
 * The person holding a software device, and the cable: tests steer it as someone with the device
 * in hand would (reject the next request, walk away, lock it, close the TRON app, pull the cable).
 * Both software devices (Ledger APDUs, Trezor wire protocol) read their steering from here, so a
 * test written once runs against either.
 */
export class DeviceHolder {
  #mode: DeviceMode = "ready";
  #rejectNext = false;
  #hangNext = false;
  #foreignKeyNext = false;
  #disconnectAfter: number | undefined;
  #hold: { reached: () => void; released: Promise<void> } | undefined;
  #abandon: (() => void) | undefined;
  /** Requests that reached the device (APDUs, or Trezor messages): "before the device" checks read it. */
  exchangeCount = 0;

  get mode(): DeviceMode {
    return this.#mode;
  }
  rejectNext(): void {
    this.#rejectNext = true;
  }
  /** The next confirmation never comes (the user walked away); ended only when the host gives up. */
  hangNext(): void {
    this.#hangNext = true;
  }
  /**
   * The next confirmation takes as long as the test wants (a person reading the screen slowly):
   * `reached` resolves when the device waits for the buttons, `release()` presses them.
   */
  holdNext(): { reached: Promise<void>; release(): void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    this.#hold = { reached, released };
    return { reached: reachedP, release };
  }
  /** Test only: the next signature comes from another key, as a faulty or tampered device's would. */
  signWithForeignKeyNext(): void {
    this.#foreignKeyNext = true;
  }
  lock(): void {
    this.#mode = "locked";
  }
  closeApp(): void {
    this.#mode = "app_closed";
  }
  openApp(): void {
    this.#mode = "ready";
  }
  /** Pull the cable after `requests` more requests (0: now). */
  disconnect(requests = 0): void {
    if (requests === 0) this.#mode = "disconnected";
    else this.#disconnectAfter = requests;
  }
  reattach(): void {
    this.#mode = "ready";
    this.#disconnectAfter = undefined;
  }

  // The device's side.

  /** One request arrives: false when the cable is out, or was pulled just now by disconnect(n). */
  arrive(): boolean {
    this.exchangeCount++;
    if (this.#mode === "disconnected") return false;
    if (this.#disconnectAfter !== undefined && --this.#disconnectAfter < 0) {
      this.#disconnectAfter = undefined;
      this.#mode = "disconnected";
      return false;
    }
    return true;
  }

  /** The person looks at the screen: approves, rejects, or never answers. */
  async confirm(): Promise<Confirmation> {
    if (this.#rejectNext) {
      this.#rejectNext = false;
      return "rejected";
    }
    const hold = this.#hold;
    if (hold) {
      this.#hold = undefined;
      hold.reached();
      await hold.released;
    }
    if (this.#hangNext) {
      this.#hangNext = false;
      await new Promise<void>((resolve) => (this.#abandon = resolve));
      this.#abandon = undefined;
      return "abandoned";
    }
    return "approved";
  }

  /** The host closed the conversation: a confirmation nobody answers ends. */
  abandon(): void {
    this.#abandon?.();
  }

  /** Whether this signature should come from the foreign key (consumed). */
  takeForeignKey(): boolean {
    const foreign = this.#foreignKeyNext;
    this.#foreignKeyNext = false;
    return foreign;
  }
}
