import type { Worker } from 'node:worker_threads';
import { startThread } from '../../threads/start-thread.js';
import { AppendBound } from '../append-bound.js';
import { packPage } from '../pull-operations.js';
import type {
  AppendOutcome,
  AppendStats,
  NewEvent,
  PullCursorUpdate,
  StoreOptions,
} from '../types.js';
import { StoreUnavailableError } from '../types.js';
import type {
  AppendItem,
  AppendWorkerData,
  FromAppendThread,
  ToAppendThread,
} from './append-protocol.js';
import { ThreadWriteLock } from './thread-write-lock.js';

interface Waiter {
  resolve: (outcome: AppendOutcome) => void;
  reject: (error: Error) => void;
}

function startWorker(data: AppendWorkerData): Worker {
  return startThread('append-worker', import.meta.url, data);
}

/**
 * postMessage clones a view's whole ArrayBuffer: a body sliced from a socket chunk or Buffer's
 * shared pool would carry up to tens of KiB of unrelated bytes to the thread. Send just the body.
 */
function exactCopy(body: Uint8Array): Uint8Array {
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength
    ? body
    : new Uint8Array(body);
}

/**
 * The main-thread side of the append thread: posts the appends made together as one message, and
 * settles each append's promise when its batch has committed.
 */
export class AppendThread {
  private worker: Worker | undefined;
  private outbox: AppendItem[] = [];
  private posting = false;
  private nextSeq = 1;
  private readonly waiters = new Map<number, Waiter>();
  private readonly pageWaiters = new Map<
    number,
    { resolve: (outcomes: AppendOutcome[]) => void; reject: (error: Error) => void }
  >();
  private closed: Promise<void> | undefined;
  private readonly counters = { batches: 0, events: 0, inserted: 0, maxBatchSize: 0 };
  private readonly lock: ThreadWriteLock;
  private checkpoints = 0;
  private readonly bound: AppendBound;

  constructor(
    private readonly data: Omit<AppendWorkerData, 'lockBuffer'>,
    private readonly onCommitted: (inserted: number) => void,
    limits: Pick<StoreOptions, 'maxPendingAppends' | 'maxPendingAppendBytes'> = {},
    /** Shared with the process's other threads on this file (SqliteThreadShare.writeLock). */
    lockBuffer?: SharedArrayBuffer,
  ) {
    this.bound = new AppendBound(limits);
    this.lock = new ThreadWriteLock(lockBuffer);
  }

  /**
   * Take the in-process write lock for the main thread's connection (the append thread, when it
   * waits, goes first). Release it with `release()` on the returned lock.
   */
  async acquireWriteLock(): Promise<ThreadWriteLock> {
    await this.lock.acquire();
    return this.lock;
  }

  stats(): AppendStats {
    const { events, bytes } = this.bound.pending();
    return { ...this.counters, pending: events, pendingBytes: bytes };
  }

  append(event: NewEvent): Promise<AppendOutcome> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the store is closed'));
    const bytes = event.rawBody.byteLength;
    try {
      this.bound.take(bytes);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const seq = this.nextSeq++;
    const promise = new Promise<AppendOutcome>((resolve, reject) => {
      this.waiters.set(seq, {
        resolve: (outcome) => {
          this.bound.give(bytes);
          resolve(outcome);
        },
        reject: (error) => {
          this.bound.give(bytes);
          reject(error);
        },
      });
    });
    this.outbox.push({
      seq,
      id: event.id,
      event: event.event,
      createdAt: event.createdAt,
      receivedAt: event.receivedAt.toISOString(),
      rawBody: exactCopy(event.rawBody),
      source: event.source,
    });
    if (!this.posting) {
      this.posting = true;
      // At the end of this turn of the event loop: the requests whose bytes arrived together
      // (one poll phase) travel in one message; a message per request costs the main thread more
      // than verifying it. The thread also batches across messages.
      setImmediate(() => this.post());
    }
    return promise;
  }

  /**
   * A pulled page and its cursor, committed in one transaction on the thread (Store.appendPage):
   * storing runs beside the puller's fetching and parsing instead of on its thread.
   */
  appendPage(
    events: readonly NewEvent[],
    cursor: PullCursorUpdate,
    now: Date,
  ): Promise<AppendOutcome[]> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the store is closed'));
    const seq = this.nextSeq++;
    const promise = new Promise<AppendOutcome[]>((resolve, reject) => {
      this.pageWaiters.set(seq, { resolve, reject });
    });
    const worker = this.ensureWorker();
    worker.ref();
    const page = packPage(events);
    // packPage allocates the bodies' own ArrayBuffer (never a shared one): move it, do not copy.
    worker.postMessage({ type: 'page', seq, page, cursor, now } satisfies ToAppendThread, [
      page.bodies.buffer as ArrayBuffer,
    ]);
    return promise;
  }

  private post(): void {
    this.posting = false;
    if (this.outbox.length === 0) return;
    const items = this.outbox;
    this.outbox = [];
    const worker = this.ensureWorker();
    worker.ref();
    worker.postMessage({ type: 'append', items } satisfies ToAppendThread);
  }

  /** Start the thread now (it opens its connection), so the first append does not wait for it. */
  warm(): void {
    if (this.closed || this.worker) return;
    const worker = this.ensureWorker();
    if (this.waiters.size === 0 && this.checkpoints === 0) worker.unref();
  }

  /** Ask the thread to checkpoint the WAL (off the event loop). */
  requestCheckpoint(): void {
    if (this.closed) return;
    this.checkpoints++;
    const worker = this.ensureWorker();
    worker.ref();
    worker.postMessage({ type: 'checkpoint' } satisfies ToAppendThread);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker({ ...this.data, lockBuffer: this.lock.buffer });
    // -1 once it has stopped, so read now.
    const workerThreadId = worker.threadId;
    worker.on('message', (message: FromAppendThread) => this.receive(message));
    worker.on('error', (error) => this.failAll(`the append thread failed: ${error.message}`));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.checkpoints = 0;
      // A thread that died holding (or waiting for) the lock gives it up.
      this.lock.abandonedBy(workerThreadId);
      this.failAll('the append thread exited');
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: FromAppendThread): void {
    if (message.type === 'committed') {
      let inserted = 0;
      for (const [seq, isNew] of message.results) {
        if (isNew) inserted++;
        const waiter = this.waiters.get(seq);
        this.waiters.delete(seq);
        waiter?.resolve(isNew ? 'inserted' : 'duplicate');
      }
      this.counters.batches++;
      this.counters.events += message.results.length;
      this.counters.inserted += inserted;
      this.counters.maxBatchSize = Math.max(this.counters.maxBatchSize, message.results.length);
      if (inserted > 0) this.onCommitted(inserted);
    } else if (message.type === 'paged') {
      const waiter = this.pageWaiters.get(message.seq);
      this.pageWaiters.delete(message.seq);
      waiter?.resolve(message.outcomes);
    } else if (message.type === 'failed') {
      const error = new StoreUnavailableError(
        `could not commit to SQLite: ${message.message}${message.code ? ` (${message.code})` : ''}`,
      );
      for (const seq of message.seqs) {
        this.waiters.get(seq)?.reject(error);
        this.waiters.delete(seq);
        this.pageWaiters.get(seq)?.reject(error);
        this.pageWaiters.delete(seq);
      }
    }
    if (message.type === 'checkpointed') this.checkpoints--;
    // An idle thread must not keep the process alive; one with work in flight must, and so must
    // one being closed: close() awaits its exit, which an unref'd thread may not get to deliver
    // before the process ends (a script awaiting close() then exited 13, one run in ~50).
    if (
      !this.closed &&
      this.waiters.size === 0 &&
      this.pageWaiters.size === 0 &&
      this.outbox.length === 0 &&
      this.checkpoints === 0
    ) {
      this.worker?.unref();
    }
  }

  private failAll(reason: string): void {
    const error = new StoreUnavailableError(reason);
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
    for (const waiter of this.pageWaiters.values()) waiter.reject(error);
    this.pageWaiters.clear();
  }

  /** Commit everything posted so far, then stop the thread. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.post();
      const worker = this.worker;
      if (!worker) return;
      worker.ref();
      await new Promise<void>((resolve) => {
        worker.on('exit', () => resolve());
        worker.on('message', (message: FromAppendThread) => {
          if (message.type === 'closed') void worker.terminate();
        });
        worker.postMessage({ type: 'close' } satisfies ToAppendThread);
      });
    })();
    return this.closed;
  }
}
