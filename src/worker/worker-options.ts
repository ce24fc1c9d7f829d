import type { Logger } from 'pino';
import { defaults } from '../defaults.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';
import type { HandlerSource } from './handler-source.js';

/** Outcomes of one processing attempt, for metrics. */
export type AttemptOutcome = 'done' | 'retrying' | 'dead' | 'lease_lost';

export interface WorkerMetrics {
  attempt(outcome: AttemptOutcome, event: string, seconds: number): void;
}

/** Worker settings. Units are in the names; the defaults are those of {@link defaults} (`workerDefaults`). */
export interface WorkerSettings {
  /**
   * Events processed at the same time by this worker.
   * @defaultValue `defaults.workerConcurrency.value`
   */
  concurrency?: number;
  /**
   * How long a claim holds an event before another worker may take it, in ms. Extended every
   * `leaseMs / 3` while a handler runs, so it only bounds how soon a crashed worker's events return.
   * @defaultValue `defaults.leaseMs.value`
   */
  leaseMs?: number;
  /**
   * Polling fallback when no wake-up arrives (LISTEN/NOTIFY lost, another process appended), in ms.
   * @defaultValue `defaults.pollIntervalMs.value`
   */
  pollIntervalMs?: number;
  /**
   * After a claim that found fewer events than it asked for (the worker has caught up), a wake-up
   * does not claim at once: the next claim waits until this long after the last one began, in ms,
   * so the events appended meanwhile are claimed, applied and completed together instead of one
   * transaction each. A sparse event (nothing claimed for this long) is claimed at once; a backlog
   * (full claims) never waits. 0: claim at every wake-up.
   * @defaultValue `defaults.claimCoalesceMs.value`
   */
  claimCoalesceMs?: number;
  /**
   * Attempts before an event is dead (the first one included).
   * @defaultValue `defaults.maxAttempts.value`
   */
  maxAttempts?: number;
  /**
   * Backoff base: the retry after attempt n waits a uniformly random time in
   * `[0, min(backoffCapMs, backoffBaseMs * 2^(n-1)))` ("full jitter").
   * @defaultValue `defaults.backoffBaseMs.value`
   */
  backoffBaseMs?: number;
  /** Longest wait between two attempts. @defaultValue `defaults.backoffCapMs.value` */
  backoffCapMs?: number;
  /**
   * Events completed in one transaction (`Store.completeMany`). On SQLite this divides the
   * per-transaction cost (write lock hand-over, BEGIN, COMMIT) among the events. With handlers
   * that batch (`HandlerSource.batching`: the built-in mirror), on both backends, the claimed
   * events are grouped by the handlers' key (one directory per transaction) and each group is
   * completed in transactions of up to this many events, their writes applied with one statement
   * per kind; a claim then takes up to `max(concurrency, batchSize)` events. Otherwise, on
   * PostgreSQL each event gets its own pooled connection, so events run in parallel.
   * @defaultValue `defaults.batchSize.value` (see its `shown`)
   */
  batchSize?: number;
  /**
   * On SQLite with batching handlers, the due events whose handlers only collect writes (the
   * built-in mirror alone) are applied and marked done in the claim's own transaction
   * (`Store.claimOrComplete`). While nothing else wanted the write lock during the previous one
   * (no append waiting in this process, no other process's transaction in the way) and no request
   * is in flight (`underLoad`), a claim takes up to this many: a backlog drains with fewer,
   * larger transactions. Otherwise up to `batchSize`, so ingest never waits long for the lock.
   * @defaultValue `defaults.drainBatchSize.value`
   */
  drainBatchSize?: number;
  /**
   * A batch starts no further event after this long, in ms, so a slow handler holds the SQLite
   * write lock (which ingest appends need) only briefly; the rest goes into the next transaction.
   * @defaultValue `defaults.batchBudgetMs.value`
   */
  batchBudgetMs?: number;
  /**
   * While requests are being received in this process (see `WorkerOptions.underLoad`), the worker
   * spends at most this fraction of its time claiming and completing, and rests the remainder, so
   * answering WorkOS comes first and the backlog drains at full speed as soon as requests stop.
   * Between 0 (exclusive) and 1; 1 turns the yielding off.
   * @defaultValue `defaults.sqliteWorkerShare.value` on SQLite (the claim and the mirror's writes
   * run on the event loop and hold the write lock), `defaults.postgresWorkerShare.value` on
   * PostgreSQL (part of the active time is waiting for the server)
   */
  shareUnderLoad?: number;
  /**
   * While requests are being received, the worker still processes at least this many events per
   * second if it can (a backlog permitting): a rest that `shareUnderLoad` asks for is cut short
   * where it would take the rate below this, though never below what a share of 0.5 asks (slow
   * handlers that cannot reach the floor still leave half the time to receiving). 0: the share
   * alone decides.
   * @defaultValue `defaults.workerMinRate.value`
   */
  minRateUnderLoad?: number;
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

/** The worker's defaults by `WorkerSettings` name, read from {@link defaults}. */
export const workerDefaults = {
  concurrency: defaults.workerConcurrency.value,
  leaseMs: defaults.leaseMs.value,
  pollIntervalMs: defaults.pollIntervalMs.value,
  claimCoalesceMs: defaults.claimCoalesceMs.value,
  maxAttempts: defaults.maxAttempts.value,
  backoffBaseMs: defaults.backoffBaseMs.value,
  backoffCapMs: defaults.backoffCapMs.value,
  batchBudgetMs: defaults.batchBudgetMs.value,
  /** `batchSize` when the handlers batch (the built-in mirror). */
  batchingBatchSize: defaults.batchingBatchSize.value,
  postgresClaimBatches: defaults.postgresClaimBatches.value,
  drainBatchSize: defaults.drainBatchSize.value,
  sqliteShareUnderLoad: defaults.sqliteWorkerShare.value,
  postgresShareUnderLoad: defaults.postgresWorkerShare.value,
  minRateUnderLoad: defaults.workerMinRate.value,
  /** `stop()` waits this long for running handlers (serve's `--shutdown-timeout-ms`). */
  shutdownTimeoutMs: defaults.shutdownTimeoutMs.value,
  /** Then this long to give back its leases. */
  leaseReleaseTimeoutMs: defaults.leaseReleaseTimeoutMs.value,
} as const;
