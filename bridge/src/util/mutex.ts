/**
 * A FIFO queue of async tasks, one at a time. User: privileged user mutations (FerretDB has no
 * transactions, so "count SUPER_ADMINs, then demote" must not interleave). The wallet device
 * takes turns by caller instead (fair-queue.ts).
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
