/** One holder at a time, in arrival order: a connection is one transaction at a time. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** Callers waiting for their turn (not counting the one running). */
  get waiting(): number {
    return this.queued;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.queued++;
    try {
      await previous;
    } finally {
      this.queued--;
    }
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
