// SQLite's own busy handler makes a waiting writer sleep and poll (naps of up to 100 ms), so the
// append thread starved while the main thread ran back-to-back claim/complete transactions. The
// threads of one process hand the write lock over through this lock instead: a waiter wakes the
// moment the holder releases, and an append thread goes first, because requests are waiting on
// it. (Other processes on the same file still meet SQLite's busy handling, and SQLite's own lock
// stays what keeps writes apart: this one only orders the threads' turns.)
import { threadId } from 'node:worker_threads';

type WaitAsync = (
  cells: Int32Array,
  index: number,
  value: number,
  timeoutMs?: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

/** `Atomics.waitAsync` (Node 16+), typed: TypeScript's lib for our target lacks it. */
export const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** 0 free, else the holder's threadId + 1. */
const state = 0;
/** 0, or the threadId + 1 of an append thread waiting for the lock: the others let it go first. */
const appendWaiting = 1;

/**
 * A lock shared by the threads of one process writing one SQLite file (the main thread, its
 * append thread and, in `serve`, the worker thread and its own) through a SharedArrayBuffer.
 */
export class ThreadWriteLock {
  private readonly cells: Int32Array;
  private readonly me = threadId + 1;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cells = new Int32Array(buffer);
  }

  /** Blocking, for an append thread. False when `timeoutMs` passed first. */
  acquireSync(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        Atomics.store(this.cells, appendWaiting, this.me);
        if (Atomics.compareExchange(this.cells, state, 0, this.me) === 0) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        const held = Atomics.load(this.cells, state);
        if (held !== 0) Atomics.wait(this.cells, state, held, Math.min(left, 50));
      }
    } finally {
      Atomics.compareExchange(this.cells, appendWaiting, this.me, 0);
    }
  }

  /** Non-blocking, for a thread with an event loop to keep turning. */
  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    // A pending Atomics.waitAsync does not keep the process alive; this timer does, so a script
    // awaiting a store call cannot exit half-way (exit code 13, unsettled top-level await).
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      for (;;) {
        const held = Atomics.load(this.cells, state);
        // Free but an append thread is about to take it: look again very soon.
        const result = waitAsync(this.cells, state, held, held !== 0 ? 50 : 1);
        if (result.async) await result.value;
        if (this.tryAcquire()) return;
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private tryAcquire(): boolean {
    return (
      Atomics.load(this.cells, appendWaiting) === 0 &&
      Atomics.compareExchange(this.cells, state, 0, this.me) === 0
    );
  }

  /** Whether an append thread is waiting for the lock now. */
  appendWaiting(): boolean {
    return Atomics.load(this.cells, appendWaiting) !== 0;
  }

  release(): void {
    Atomics.store(this.cells, state, 0);
    Atomics.notify(this.cells, state);
  }

  /** A thread ended: whatever it held or waited for is given up, so the others go on. */
  abandonedBy(deadThreadId: number): void {
    Atomics.compareExchange(this.cells, appendWaiting, deadThreadId + 1, 0);
    if (Atomics.compareExchange(this.cells, state, deadThreadId + 1, 0) === deadThreadId + 1) {
      Atomics.notify(this.cells, state);
    }
  }
}
