/** Parts started in order and stopped in reverse, so nothing outlives what it depends on. */
export class StopList {
  readonly #stops: (() => Promise<void>)[] = [];

  /** Registers a started part and hands it back, so a start reads `const x = parts.add(await startX())`. */
  add<T extends { stop(): Promise<void> }>(part: T): T {
    this.#stops.push(() => part.stop());
    return part;
  }

  /** Stops everything registered so far; one part failing to stop does not keep the others running. */
  readonly stopAll = async (): Promise<void> => {
    for (const stop of this.#stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
}
