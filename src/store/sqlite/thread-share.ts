// What the threads of one process that open the same SQLite file share: `serve`'s main thread
// (receiving, its append thread) and its worker thread (the worker, forwarding, pulling).
import { waitAsync } from './thread-write-lock.js';

/** Passed to each thread's store (`StoreOptions.sqliteThreadShare`); structured-cloneable. */
export interface SqliteThreadShare {
  /** ThreadWriteLock's cells: the threads take turns on the write lock, appends first. */
  writeLock: SharedArrayBuffer;
  /** A wake-up sequence: each store adds 1 when events may be due and watches the others'. */
  wakes: SharedArrayBuffer;
}

export function createSqliteThreadShare(): SqliteThreadShare {
  return { writeLock: new SharedArrayBuffer(8), wakes: new SharedArrayBuffer(4) };
}

/**
 * Wake-ups across threads: `signal()` tells the other threads' stores; `onSignal` runs (on this
 * thread's event loop) whenever the sequence moved, this thread's own signals included (a spare
 * wake-up costs a worker one claim; a lost one would cost it an idle poll). A pending wait does
 * not keep the process alive.
 */
export class SharedWakes {
  private readonly cells: Int32Array;
  private seen: number;
  private stopped = false;

  constructor(buffer: SharedArrayBuffer, onSignal: () => void) {
    this.cells = new Int32Array(buffer);
    this.seen = Atomics.load(this.cells, 0);
    void this.watch(onSignal);
  }

  signal(): void {
    Atomics.add(this.cells, 0, 1);
    Atomics.notify(this.cells, 0);
  }

  stop(): void {
    this.stopped = true;
    Atomics.notify(this.cells, 0);
  }

  private async watch(onSignal: () => void): Promise<void> {
    while (!this.stopped) {
      const result = waitAsync(this.cells, 0, this.seen);
      if (result.async) await result.value;
      const now = Atomics.load(this.cells, 0);
      if (now !== this.seen && !this.stopped) {
        this.seen = now;
        onSignal();
      }
    }
  }
}
