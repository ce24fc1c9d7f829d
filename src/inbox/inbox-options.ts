import type { SqliteThreadShare } from '../store/sqlite/thread-share.js';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { MigrationSet, Store } from '../store/types.js';
import type { WorkerSettings } from '../worker/worker-options.js';
import type { RetentionSettings } from './retention-loop.js';

export interface InboxOptions {
  /**
   * A SQLite file path (the default backend) or a `postgres://` / `postgresql://` URL.
   * Ignored when `store` is given.
   */
  database?: string;
  /** Use an already opened store (its migrations must include any `migrationSets` you need). */
  store?: Store;
  /**
   * The endpoint's webhook secret; several during a rotation, as a list or as one
   * comma-separated string (`'whsec_old,whsec_new'`), read as `serve` reads
   * WORKOS_WEBHOOK_SECRET: so `process.env.WORKOS_WEBHOOK_SECRET` works unchanged while rotating.
   */
  secret: string | readonly string[];
  /** How old a signature timestamp may be, in ms. @defaultValue `defaults.toleranceMs.value` */
  toleranceMs?: number;
  /** Larger bodies are answered 413. @defaultValue `defaults.maxBodyBytes.value` */
  maxBodyBytes?: number;
  /** Bytes of an oversized body discarded before answering 413. @defaultValue `defaults.discardOversizeMaxBytes.value` */
  discardOversizeMaxBytes?: number;
  /** Time spent discarding an oversized body before cutting the connection. @defaultValue `defaults.discardOversizeMaxMs.value` */
  discardOversizeMaxMs?: number;
  /** `Retry-After` seconds on 503 answers. @defaultValue `defaults.retryAfterSeconds.value` */
  retryAfterSeconds?: number;
  /** @defaultValue warnings and errors as JSON lines on stderr (`createDefaultLogger`) */
  logger?: Logger;
  /** @defaultValue the system clock */
  clock?: Clock;
  /** A number in [0, 1) for backoff jitter. @defaultValue Math.random */
  random?: () => number;
  /** Worker settings (concurrency, leases, backoff); see `WorkerSettings` for the defaults. */
  worker?: WorkerSettings;
  /**
   * The built-in directory mirror: `true` for every family, `false` for none, or a list of
   * families (e.g. `['dsync']`).
   * With `store`, pass `mirror` explicitly and open the store with `mirrorMigrations`.
   * @defaultValue true (false when `store` is given)
   */
  mirror?: boolean | readonly string[];
  /** Your own tables, migrated with the inbox's (numbered, append-only). */
  migrationSets?: readonly MigrationSet[];
  /** Register metrics into this prom-client registry. @defaultValue a new Registry */
  metricsRegistry?: Registry;
  /** PostgreSQL: schema. @defaultValue `defaults.schema.value` */
  schema?: string;
  /** PostgreSQL: pool size. @defaultValue `defaults.poolSize.value` */
  poolSize?: number;
  /** Group commit: at most this many events per transaction. @defaultValue `defaults.maxBatchSize.value` */
  maxBatchSize?: number;
  /** Appends waiting for a commit, at most; past it requests get 503 (StoreOptions). @defaultValue `defaults.maxPendingAppends.value` */
  maxPendingAppends?: number;
  /** Body bytes waiting for a commit, at most (StoreOptions). @defaultValue `defaults.maxPendingAppendBytes.value` */
  maxPendingAppendBytes?: number;
  /** SQLite: shared with the process's other threads on the same file (StoreOptions). */
  sqliteThreadShare?: SqliteThreadShare;
  /**
   * Prune processed events in the background while the worker runs (`start()`): their payload
   * and attempts go, their ids stay (dedup). @defaultValue off
   */
  retention?: RetentionSettings;
  /** The receiver's count of requests in flight, in element 0 (`ReceiverOptions.inFlightCounter`). */
  inFlightCounter?: Int32Array;
  /**
   * Whether requests are being received right now; the worker yields while it holds
   * (`WorkerSettings.shareUnderLoad`).
   * @defaultValue this inbox's receiver has requests in flight
   */
  underLoad?: () => boolean;
  /**
   * Who registers the handlers, as the warning of a name WorkOS does not send names it
   * (`serve` passes `--handlers`: its users never called `inbox.on`); `false`: no warning (each
   * of `serve --processes N`'s processes, whose primary warns once). @defaultValue `inbox.on`
   */
  handlersFrom?: string | false;
}
