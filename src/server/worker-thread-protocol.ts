import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { SqliteThreadShare } from '../store/sqlite/thread-share.js';
import type { ServeConfig } from './config.js';

/** What `serve` hands its worker thread (structured-cloned; the counter's buffer is shared). */
export interface WorkerThreadData {
  /** The process's configuration, as `work` would take it. */
  config: ServeConfig;
  /** The receiver's requests in flight, element 0, written by the main thread only. */
  inFlight: Int32Array;
  /** Log lines as the main thread writes them (readable in a terminal, else JSON). */
  prettyLogs: boolean;
  /** SQLite: the write lock and wake-ups the thread's store shares with the main thread's. */
  sqliteThreadShare?: SqliteThreadShare;
}

export type ToWorkerThread = { type: 'metrics'; id: number } | { type: 'close' };

export type FromWorkerThread =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string; name: string }
  | { type: 'metrics'; id: number; metrics: Array<MetricObjectWithValues<MetricValue<string>>> }
  | { type: 'closed' };
