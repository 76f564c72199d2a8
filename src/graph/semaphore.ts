// A counting semaphore: at most `max` holders at once, the rest wait in FIFO order. It bounds the
// number of HTTP requests in flight (Graph throttles per app and tenant, and photo endpoints allow
// only 4 concurrent requests per mailbox: graph-contract §7.3).

export class Semaphore {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  /** Served before `#waiting`. */
  readonly #urgent: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`semaphore size must be a positive integer, got ${max}`);
  }

  get active(): number {
    return this.#active;
  }

  /**
   * Resolves with a release function once a slot is free; call it exactly once. An `urgent` holder
   * gets the next free slot before those waiting longer (FIFO among the urgent).
   */
  async acquire(urgent = false): Promise<() => void> {
    if (this.#active < this.max) {
      this.#active++;
    } else {
      // The releasing holder hands its slot over directly, so #active stays constant.
      await new Promise<void>((resolve) => (urgent ? this.#urgent : this.#waiting).push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#urgent.shift() ?? this.#waiting.shift();
      if (next) next();
      else this.#active--;
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}
