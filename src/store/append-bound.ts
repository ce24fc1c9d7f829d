import { defaults } from '../defaults.js';
import { StoreUnavailableError } from './types.js';
import type { StoreOptions } from './types.js';

/** Defaults of the append queue's bound, read from {@link defaults}. */
export const appendBoundDefaults = {
  maxPendingAppends: defaults.maxPendingAppends.value,
  maxPendingAppendBytes: defaults.maxPendingAppendBytes.value,
} as const;

/**
 * What an append queue holds while the database commits (or stalls), and the limit past which it
 * refuses more: without it a stalled database would let accepted requests pile up in memory until
 * the process dies, losing every one of them. Refused appends were never acknowledged, so the
 * sender retries them.
 */
export class AppendBound {
  private events = 0;
  private bytes = 0;
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(options: Pick<StoreOptions, 'maxPendingAppends' | 'maxPendingAppendBytes'>) {
    this.maxEvents = options.maxPendingAppends ?? appendBoundDefaults.maxPendingAppends;
    this.maxBytes = options.maxPendingAppendBytes ?? appendBoundDefaults.maxPendingAppendBytes;
    if (!Number.isInteger(this.maxEvents) || this.maxEvents < 1) {
      throw new RangeError('maxPendingAppends must be a whole number of at least 1');
    }
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1) {
      throw new RangeError('maxPendingAppendBytes must be a whole number of at least 1');
    }
  }

  /** Count an append in, or throw StoreUnavailableError when the queue is full. */
  take(bodyBytes: number): void {
    // One body larger than the byte bound still goes through an empty queue.
    if (
      this.events >= this.maxEvents ||
      (this.events > 0 && this.bytes + bodyBytes > this.maxBytes)
    ) {
      throw new StoreUnavailableError(
        `${this.events} appends (${this.bytes} bytes) already wait for the database to commit ` +
          `(maxPendingAppends ${this.maxEvents}, maxPendingAppendBytes ${this.maxBytes})`,
      );
    }
    this.events++;
    this.bytes += bodyBytes;
  }

  /** The append settled (committed or failed). */
  give(bodyBytes: number): void {
    this.events--;
    this.bytes -= bodyBytes;
  }

  /** Appends waiting now, and their bytes (for tests and metrics). */
  pending(): { events: number; bytes: number } {
    return { events: this.events, bytes: this.bytes };
  }
}
