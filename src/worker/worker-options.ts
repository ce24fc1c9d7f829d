import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';
import type { HandlerSource } from './handler-source.js';

/** Outcomes of one processing attempt, for metrics. */
export type AttemptOutcome = 'done' | 'retrying' | 'dead' | 'lease_lost';

export interface WorkerMetrics {
  attempt(outcome: AttemptOutcome, event: string, seconds: number): void;
}

/** Worker settings. Units are in the names; defaults are stated once, here. */
export interface WorkerSettings {
  /**
   * Events processed at the same time by this worker.
   * @defaultValue 8
   */
  concurrency?: number;
  /**
   * How long a claim holds an event before another worker may take it, in ms. Extended every
   * `leaseMs / 3` while a handler runs, so it only bounds how soon a crashed worker's events return.
   * @defaultValue 30000
   */
  leaseMs?: number;
  /**
   * Polling fallback when no wake-up arrives (LISTEN/NOTIFY lost, another process appended), in ms.
   * @defaultValue 1000
   */
  pollIntervalMs?: number;
  /**
   * Attempts before an event is dead (the first one included).
   * @defaultValue 10
   */
  maxAttempts?: number;
  /**
   * Backoff base: the retry after attempt n waits a uniformly random time in
   * `[0, min(backoffCapMs, backoffBaseMs * 2^(n-1)))` ("full jitter").
   * @defaultValue 1000
   */
  backoffBaseMs?: number;
  /** @defaultValue 3600000 (1 h) */
  backoffCapMs?: number;
  /**
   * Events completed in one transaction (`Store.completeMany`). On SQLite this divides the
   * per-transaction cost (write lock hand-over, BEGIN, COMMIT) among the events. With handlers
   * that batch (`HandlerSource.batching`: the built-in mirror), on both backends, the claimed
   * events are grouped by the handlers' key (one directory per transaction) and each group is
   * completed in transactions of up to this many events, their writes applied with one statement
   * per kind; a claim then takes up to `max(concurrency, batchSize)` events. Otherwise, on
   * PostgreSQL each event gets its own pooled connection, so events run in parallel.
   * @defaultValue 64 with batching handlers; else `concurrency` on SQLite, 1 on PostgreSQL
   */
  batchSize?: number;
  /**
   * A batch starts no further event after this long, in ms, so a slow handler holds the SQLite
   * write lock (which ingest appends need) only briefly; the rest goes into the next transaction.
   * @defaultValue 10
   */
  batchBudgetMs?: number;
  /**
   * While requests are being received in this process (see `WorkerOptions.underLoad`), the worker
   * spends at most this fraction of its time claiming and completing, and rests the remainder, so
   * answering WorkOS comes first and the backlog drains at full speed as soon as requests stop.
   * Between 0 (exclusive) and 1; 1 turns the yielding off.
   * @defaultValue 0.25
   */
  shareUnderLoad?: number;
  /** Only claim events with these names (default: all). */
  events?: readonly string[];
  /** Lease owner name; unique per worker. @defaultValue `<hostname>:<pid>:<random>` */
  workerId?: string;
}

export interface WorkerOptions extends WorkerSettings {
  store: Store;
  handlers: HandlerSource;
  /** @defaultValue warnings and errors as JSON lines on stderr (`createDefaultLogger`) */
  logger?: Logger;
  /** @defaultValue the system clock */
  clock?: Clock;
  /** A number in [0, 1), for jitter. @defaultValue Math.random */
  random?: () => number;
  metrics?: WorkerMetrics;
  /**
   * Whether this process is busy receiving right now (`createInbox` passes "the receiver has
   * requests in flight"). Without it the worker never yields.
   */
  underLoad?: () => boolean;
}

export const workerDefaults = {
  concurrency: 8,
  leaseMs: 30_000,
  pollIntervalMs: 1_000,
  maxAttempts: 10,
  backoffBaseMs: 1_000,
  backoffCapMs: 3_600_000,
  batchBudgetMs: 10,
  /** `batchSize` when the handlers batch (the built-in mirror). */
  batchingBatchSize: 64,
  shareUnderLoad: 0.25,
  /** `stop()` waits this long for running handlers (serve's `--shutdown-timeout-ms`). */
  shutdownTimeoutMs: 30_000,
  /** Then this long to give back its leases. */
  leaseReleaseTimeoutMs: 2_000,
} as const;
