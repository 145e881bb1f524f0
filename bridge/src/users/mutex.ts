/**
 * Serializes privileged user mutations in this process. MongoDB-wire servers without
 * transactions (FerretDB) cannot make "count SUPER_ADMINs, then demote" atomic, and the bridge
 * is the only writer, so one queue keeps the last-SUPER_ADMIN rule true under concurrency.
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
