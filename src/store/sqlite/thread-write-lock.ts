// SQLite's own busy handler makes a waiting writer sleep and poll (naps of up to 100 ms), so the
// append thread starved while the main thread ran back-to-back claim/complete transactions. The
// two threads of one process hand the write lock over through this lock instead: a waiter wakes
// the moment the holder releases, and the append thread goes first, because requests are waiting
// on it. (Other processes on the same file still meet SQLite's busy handling.)

type WaitAsync = (
  cells: Int32Array,
  index: number,
  value: number,
  timeoutMs?: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** 0 free, 1 held. */
const state = 0;
/** 1 while the append thread waits: the main thread lets it go first. */
const appendWaiting = 1;

/** A lock shared by the main thread and the append thread through a SharedArrayBuffer. */
export class ThreadWriteLock {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cells = new Int32Array(buffer);
  }

  /** Blocking, for the append thread. False when `timeoutMs` passed first. */
  acquireSync(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    Atomics.store(this.cells, appendWaiting, 1);
    try {
      for (;;) {
        if (Atomics.compareExchange(this.cells, state, 0, 1) === 0) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        Atomics.wait(this.cells, state, 1, Math.min(left, 50));
      }
    } finally {
      Atomics.store(this.cells, appendWaiting, 0);
    }
  }

  /**
   * Non-blocking, for the main thread. `abandoned()` is checked on every wake-up (at least every
   * 50 ms): when it says the lock was replaced (its other user died), stop and report false.
   */
  async acquire(abandoned: () => boolean): Promise<boolean> {
    if (this.tryAcquire()) return true;
    // A pending Atomics.waitAsync does not keep the process alive; this timer does, so a script
    // awaiting a store call cannot exit half-way (exit code 13, unsettled top-level await).
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      for (;;) {
        if (abandoned()) return false;
        const held = Atomics.load(this.cells, state);
        // Free but the append thread is about to take it: look again very soon.
        const result = waitAsync(this.cells, state, held, held === 1 ? 50 : 1);
        if (result.async) await result.value;
        if (this.tryAcquire()) return true;
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private tryAcquire(): boolean {
    return (
      Atomics.load(this.cells, appendWaiting) === 0 &&
      Atomics.compareExchange(this.cells, state, 0, 1) === 0
    );
  }

  /** Whether the append thread is waiting for the lock now. */
  appendWaiting(): boolean {
    return Atomics.load(this.cells, appendWaiting) === 1;
  }

  release(): void {
    Atomics.store(this.cells, state, 0);
    Atomics.notify(this.cells, state);
  }
}
