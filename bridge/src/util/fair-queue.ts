/**
 * One task at a time, callers served in turn: each caller has its own FIFO line, and the next task
 * comes from the next caller with work waiting, never twice in a row from one caller while another
 * waits. A caller who queues a hundred operations delays anyone else by one operation, not a hundred.
 */
export class FairQueue {
  /** Waiting tasks by caller; the Map's order is the rotation (a served caller moves to the back). */
  readonly #lines = new Map<string, (() => void)[]>();
  #current: string | undefined;
  #busy = false;

  /** Tasks waiting (not the one running). */
  get waiting(): number {
    let n = 0;
    for (const line of this.#lines.values()) n += line.length;
    return n;
  }

  run<T>(caller: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => this.#next());
      };
      const line = this.#lines.get(caller);
      if (line) line.push(start);
      else this.#lines.set(caller, [start]);
      if (!this.#busy) this.#next();
    });
  }

  #next(): void {
    this.#busy = false;
    const callers = [...this.#lines.keys()];
    // Whoever was just served goes last, even if nobody else had arrived when its turn began.
    const caller = callers.find((c) => c !== this.#current) ?? callers[0];
    if (caller === undefined) {
      this.#current = undefined;
      return;
    }
    const line = this.#lines.get(caller) ?? [];
    const start = line.shift();
    this.#lines.delete(caller);
    if (line.length > 0) this.#lines.set(caller, line);
    this.#current = caller;
    this.#busy = true;
    start?.();
  }
}
