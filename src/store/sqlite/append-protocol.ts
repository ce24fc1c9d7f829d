// Messages between the store (main thread) and the append thread.
import type { PackedPage } from '../pull-operations.js';
import type { AppendOutcome, PullCursorUpdate } from '../types.js';

export interface AppendWorkerData {
  path: string;
  busyTimeoutMs: number;
  maxBatchSize: number;
  /** The ThreadWriteLock shared with the main thread's write connection. */
  lockBuffer: SharedArrayBuffer;
}

export interface AppendItem {
  seq: number;
  id: string;
  event: string;
  createdAt: string;
  /** ISO-8601. */
  receivedAt: string;
  rawBody: Uint8Array;
  source: string;
}

/** A pulled page: its events and its cursor, committed in one transaction by the thread. */
export interface PageMessage {
  type: 'page';
  seq: number;
  /** Its `bodies` buffer is transferred, not cloned. */
  page: PackedPage;
  cursor: PullCursorUpdate;
  now: Date;
}

export type ToAppendThread =
  | { type: 'append'; items: AppendItem[] }
  | PageMessage
  /** Copy the WAL back into the database file (the main thread's connection never does). */
  | { type: 'checkpoint' }
  | { type: 'close' };

export type FromAppendThread =
  | {
      type: 'committed';
      /** `[seq, inserted]` for each event of the batch. */
      results: [number, boolean][];
    }
  | { type: 'paged'; seq: number; outcomes: AppendOutcome[] }
  | { type: 'failed'; seqs: number[]; message: string; code: string | null }
  | { type: 'checkpointed' }
  | { type: 'closed' };
