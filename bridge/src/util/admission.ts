/** Thrown by `Admission.run` when every slot is busy and the waiting line is full. */
export class Saturated extends Error {
  constructor() {
    super("saturated");
    this.name = "Saturated";
  }
}

/**
 * At most `concurrency` tasks at once, at most `queue` more waiting in arrival order, and the rest
 * refused at once: under a flood the bridge answers "later" in microseconds instead of stacking
 * work (and memory) it would finish long after every caller gave up.
 */
export class Admission {
  readonly #concurrency: number;
  readonly #queue: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(opts: { concurrency: number; queue: number }) {
    this.#concurrency = opts.concurrency;
    this.#queue = opts.queue;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#concurrency) this.#running++;
    else if (this.#waiting.length < this.#queue) await new Promise<void>((r) => this.#waiting.push(r));
    else throw new Saturated();
    try {
      return await task();
    } finally {
      // A finished task hands its slot straight to the next in line.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
