import { AppendBound } from '../append-bound.js';
import type { AppendOutcome, AppendStats, NewEvent, StoreOptions } from '../types.js';
import { StoreUnavailableError } from '../types.js';

interface Pending {
  event: NewEvent;
  resolve: (outcome: AppendOutcome) => void;
  reject: (error: Error) => void;
}

export interface AppendBatcherOptions extends Pick<
  StoreOptions,
  'maxPendingAppends' | 'maxPendingAppendBytes'
> {
  maxBatchSize: number;
  /** Batches committing at once; more queue up and are sent as one when one finishes. */
  maxInFlight: number;
  /** Commit the events (ids unique within the batch); resolve the ids that were new. */
  commit: (events: NewEvent[]) => Promise<Set<string>>;
}

/**
 * Group commit: appends that arrive while a batch is committing wait and go out together, so the
 * commit rate, not the request rate, bounds the number of transactions (and fsyncs).
 */
export class AppendBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly counters = { batches: 0, events: 0, inserted: 0, maxBatchSize: 0 };
  private readonly bound: AppendBound;

  constructor(private readonly options: AppendBatcherOptions) {
    this.bound = new AppendBound(options);
  }

  stats(): AppendStats {
    const { events, bytes } = this.bound.pending();
    return { ...this.counters, pending: events, pendingBytes: bytes };
  }

  append(event: NewEvent): Promise<AppendOutcome> {
    const bytes = event.rawBody.byteLength;
    try {
      this.bound.take(bytes);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({
        event,
        resolve: (outcome) => {
          this.bound.give(bytes);
          resolve(outcome);
        },
        reject: (error) => {
          this.bound.give(bytes);
          reject(error);
        },
      });
      // Wait one turn of the event loop so appends from the same turn share the first batch.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) {
          for (const wake of this.idleWaiters.splice(0)) wake();
        }
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const firstById = new Map<string, Pending>();
    for (const pending of batch) {
      if (!firstById.has(pending.event.id)) firstById.set(pending.event.id, pending);
    }
    let inserted: Set<string>;
    try {
      inserted = await this.options.commit([...firstById.values()].map((p) => p.event));
    } catch (error) {
      const failure =
        error instanceof StoreUnavailableError
          ? error
          : new StoreUnavailableError(
              `could not commit to PostgreSQL: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
      for (const pending of batch) pending.reject(failure);
      return;
    }
    this.counters.batches++;
    this.counters.events += batch.length;
    this.counters.inserted += inserted.size;
    this.counters.maxBatchSize = Math.max(this.counters.maxBatchSize, batch.length);
    for (const pending of batch) {
      // Only the first of several appends of one id in a batch can be the one that inserted it.
      const isNew = firstById.get(pending.event.id) === pending && inserted.has(pending.event.id);
      pending.resolve(isNew ? 'inserted' : 'duplicate');
    }
  }

  /** Resolves when every append made so far has settled. */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
