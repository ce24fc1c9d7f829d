import type { SqliteThreadShare } from './sqlite/thread-share.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import type { Dialect, SqlExecutor } from './sql-executor.js';

/** How an event reached the inbox: a webhook, a replay, the library's API, or the puller (WorkOS's Events API). */
export type EventSource = 'webhook' | 'replay' | 'api' | 'events_api';
export type EventStatus = 'pending' | 'processing' | 'done' | 'retrying' | 'dead';
export const eventStatuses: readonly EventStatus[] = [
  'pending',
  'processing',
  'done',
  'retrying',
  'dead',
];

/** A verified event about to be committed. */
export interface NewEvent {
  id: string;
  /** The event name, e.g. `dsync.user.created`. */
  event: string;
  /** The envelope's `created_at`, as sent. */
  createdAt: string;
  /** The request body exactly as received. */
  rawBody: Uint8Array;
  source: EventSource;
  receivedAt: Date;
  /**
   * Optional: the directory of a `dsync.*` event (`directoryOf`), when the caller parsed the body
   * already (the receiver, the puller); PostgreSQL stores it for the worker's claims and reads it
   * from the body when absent. SQLite ignores it.
   */
  directoryId?: string;
}

/** One row of the inbox. */
export interface StoredEvent {
  id: string;
  event: string;
  createdAt: string;
  receivedAt: Date;
  rawBody: Buffer;
  source: EventSource;
  status: EventStatus;
  /** Attempts started so far (a claim starts one). */
  attempts: number;
  /**
   * When the event is due: the next attempt for `pending`/`retrying`, the lease expiry for
   * `processing` (an expired lease makes it due again), null for `done`/`dead`.
   */
  nextAttemptAt: Date | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  /** The error of the last failed attempt; cleared when an attempt succeeds (after a replay, too). */
  lastError: string | null;
  /** When the event reached `done`. */
  processedAt: Date | null;
  /**
   * When retention pruned it: the payload is gone (`rawBody` is empty) and so are its attempts;
   * the id, name and times stay, so a redelivery is still a duplicate. Null otherwise.
   */
  prunedAt: Date | null;
}

/** One processing attempt, for the admin API and `events show`. */
export interface AttemptRecord {
  eventId: string;
  attempt: number;
  worker: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'done' | 'retrying' | 'dead' | 'lease_lost' | 'released' | null;
  error: string | null;
}

export type AppendOutcome = 'inserted' | 'duplicate';

export interface ClaimOptions {
  /** Who takes the lease (unique per worker). */
  owner: string;
  /** At most this many events. */
  limit: number;
  leaseMs: number;
  now: Date;
  /** Only events with these names (default all). */
  events?: readonly string[];
}

export interface FailOptions {
  error: string;
  /** When to try again; `null` moves the event to `dead`. */
  nextAttemptAt: Date | null;
  now: Date;
}

export interface EventFilter {
  status?: EventStatus | readonly EventStatus[];
  /** Event name, exact. */
  event?: string;
  /** Received at or after. */
  since?: Date;
  source?: EventSource;
}

export interface ListOptions extends EventFilter {
  /** At most this many (the store caps it at 1000). */
  limit: number;
  /** Opaque cursor returned as `nextCursor` by the previous page. */
  after?: string;
  /** Newest first (default) or oldest first. */
  order?: 'desc' | 'asc';
}

export interface ListPage {
  events: StoredEvent[];
  nextCursor: string | null;
}

export interface StoreStats {
  byStatus: Record<EventStatus, number>;
  /** Age of the oldest pending or retrying event whose attempt is due, in ms; null when none. */
  oldestPendingAgeMs: number | null;
}

/** A numbered, append-only migration. */
export interface Migration {
  /** 1, 2, 3 … contiguous. */
  version: number;
  /** e.g. `0001-initial`. */
  name: string;
  sql: string;
}

/**
 * A component's migrations for both backends (the inbox core, the directory mirror …).
 * Each set is versioned on its own in the `workos_inbox_migrations` table.
 */
export interface MigrationSet {
  component: string;
  sqlite: readonly Migration[];
  postgres: readonly Migration[];
}

export interface SchemaStatus {
  ok: boolean;
  /** Why not, e.g. "migration mirror/0002 not applied" or "unknown migration core/0009". */
  problems: string[];
  /**
   * The database holds a migration this build does not know: a newer build migrated it, and this
   * one's `migrate` cannot help (use that version or a newer one).
   */
  migratedByNewerBuild: boolean;
  /**
   * No migration of any set was ever applied here: a new database or schema, or the wrong one
   * (a mistyped `--schema` names a schema that does not exist yet).
   */
  empty: boolean;
}

/** How `Store.writeTransaction` ends, besides committing. */
export interface WriteTransactionOptions<T> {
  /**
   * For a write that makes work due now (forwarding's redrive, a destination's resume): when it
   * returns true for `fn`'s result, the transaction wakes what `onWake` tells, as an append does:
   * this store's listeners once it has committed (on SQLite, through `sqliteThreadShare`, the
   * process's other threads' too: `serve`'s worker thread) and, on PostgreSQL, every process's,
   * by a NOTIFY sent in the transaction (it goes out at the commit). SQLite has no signal across
   * processes: a forwarder or worker in another process finds the work at its idle poll.
   */
  wakeIf?: (result: T) => boolean;
}

/**
 * The durable inbox. Both backends pass the same test suite (test/store/store.test.ts).
 * Every method is safe to call from several processes at once (SQLite: one machine; PostgreSQL: many).
 */
export interface Store {
  readonly dialect: Dialect;
  /**
   * Apply pending migrations of every set; resolves with those it applied (`core/0008
   * (directory-claims)`, in order; none when the schema was up to date). Throws if the database
   * holds a migration this build does not know or whose text changed.
   */
  migrate(): Promise<string[]>;
  /** Schema check without changing anything (for /readyz and `migrate --check`). */
  checkSchema(): Promise<SchemaStatus>;
  /** Throws StoreUnavailableError when the database cannot be reached. */
  ping(): Promise<void>;

  /**
   * Commit an event durably, batched with concurrent calls into one transaction (group commit).
   * Resolves only after the batch's commit is durable. A duplicate id writes nothing.
   * Rejects with StoreUnavailableError when the commit cannot be made.
   */
  append(event: NewEvent): Promise<AppendOutcome>;

  /**
   * Lease due events: `pending`/`retrying` with `next_attempt_at <= now`, and `processing` whose
   * lease expired. Each claimed event becomes `processing` with `attempts + 1`, oldest first.
   */
  claim(options: ClaimOptions): Promise<StoredEvent[]>;
  /**
   * `claim`, except that it looks at up to `inline.limit` due events, and those `inline.collect`
   * accepts are applied (`inline.flush`) and marked `done` in the claim's own transaction, with
   * their attempt logged as started and finished at `now`; of the others, up to `options.limit`
   * are leased. One transaction instead of a claim and a completion, and no `processing` state in
   * between, for events whose handlers only collect writes (the built-in mirror). If the flush
   * throws, its writes are rolled back and every due event is claimed. Both backends have it; a
   * store without it (a test double, say) gets `claim` and `completeMany` from the worker.
   */
  claimOrComplete?(options: ClaimOptions, inline: InlineCompletion): Promise<ClaimOrCompleteResult>;
  /**
   * Run `work` in one transaction and, in that same transaction, mark the event `done`, provided
   * `owner` still holds its lease. Resolves `false` and rolls everything back if the lease was lost.
   * If `work` throws, rolls back and rethrows. The lease check runs first and locks the row, so
   * `work` is not called at all when the lease is already lost, and nobody can take the event while
   * `work` runs. On SQLite the database write lock is held while `work` runs: keep it short.
   * `now` is when it began; with `finishedAt`, a `work` that took a second or more has the event's
   * `processedAt` and its attempt's end set to `finishedAt()` (one more statement, for slow ones
   * only).
   */
  complete(
    id: string,
    owner: string,
    work: (tx: SqlExecutor) => Promise<void>,
    now: Date,
    finishedAt?: () => Date,
  ): Promise<boolean>;
  /**
   * `complete` for several events held by `owner`, in ONE transaction: the leases are checked
   * with one statement, then each item runs in order, inside its own savepoint unless it is
   * `collectsOnly` (its writes are applied by `options.flush`). An item whose lease was lost is skipped (its `work` is not called);
   * an item whose `work` throws is rolled back to its savepoint and recorded as failed (with the
   * FailOptions its `failure` returns) in the same transaction; the others commit. Stops taking
   * items once `maxItems` ran or `budgetMs` passed (at least one item runs), or once `stopped()`
   * (before the first too: then none runs and the results are empty), so a slow
   * handler holds the SQLite write lock only briefly: results cover a prefix of `items`, and the
   * caller completes the rest with another call. Rejects (everything rolled back) when the
   * transaction itself cannot be used or committed.
   */
  completeMany(
    owner: string,
    items: readonly CompleteItem[],
    now: Date,
    options?: CompleteManyOptions,
  ): Promise<CompleteResult[]>;
  /** Record a failed attempt: `retrying` at `nextAttemptAt`, or `dead`. `false` if the lease was lost. */
  fail(id: string, owner: string, options: FailOptions): Promise<boolean>;
  /** Extend the lease of an event still held by `owner`. */
  extendLease(id: string, owner: string, until: Date): Promise<boolean>;
  /** Give back every lease `owner` holds (graceful shutdown); the attempt is not counted. Returns how many. */
  releaseLeases(owner: string, now: Date): Promise<number>;

  get(id: string): Promise<StoredEvent | undefined>;
  /** The stored events among `ids` (up to a page of them), in no particular order; unknown ids are left out. */
  getMany(ids: readonly string[]): Promise<StoredEvent[]>;
  attempts(id: string): Promise<AttemptRecord[]>;
  list(options: ListOptions): Promise<ListPage>;
  /** Queue one event again (any status but `processing`), due now, attempts reset. `false` if unknown or being processed. */
  replay(id: string, now: Date): Promise<boolean>;
  /** Queue again every event matching the filter (default: status `dead`). Returns how many. */
  redrive(filter: EventFilter, now: Date): Promise<number>;
  stats(now: Date, options?: StatsOptions): Promise<StoreStats>;
  /**
   * Retention: empty the payload and delete the attempts of `done` (and, with `includeDead`,
   * `dead`) events received before `receivedBefore`, keeping each row's id, name and times so a
   * redelivery stays a duplicate. Works in short transactions that give way to appends between
   * them; on SQLite, then returns freed pages to the file system (incremental vacuum) when the
   * database was created with `auto_vacuum = INCREMENTAL`.
   */
  prune(options: PruneOptions): Promise<PruneResult>;

  /**
   * Be told when events may be due (after an append here or, on PostgreSQL, anywhere: LISTEN/NOTIFY).
   * Returns an unsubscribe function.
   */
  onWake(listener: () => void): () => void;
  /**
   * Run `fn` in one write transaction (for components with tables of their own, e.g. forwarding's
   * deliveries). Commits when `fn` resolves, rolls back when it throws. On PostgreSQL the commit
   * does not wait for the WAL flush (like the worker's): a server crash can undo the last few
   * such transactions whole, never half of one.
   */
  writeTransaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    options?: WriteTransactionOptions<T>,
  ): Promise<T>;
  /** Run `fn` in a read transaction (for mirror reads and the CLI). */
  read<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Flush pending appends, then close connections. With `timeoutMs`, a transaction still open
   * after it (a handler that never ends) is rolled back and its connection closed instead of
   * waited for.
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * The Events API puller's write: append `events` (a known id is a duplicate and writes nothing)
   * and move the cursor `cursor.name`, in ONE transaction, so a crash repeats at most these events
   * and never skips one (the puller passes one page, or the pages that arrived during the previous
   * commit). Outcomes in the order of `events`.
   */
  appendPage(
    events: readonly NewEvent[],
    cursor: PullCursorUpdate,
    now: Date,
  ): Promise<AppendOutcome[]>;
  /** Where the cursor `name` stands; undefined before its first page. */
  pullCursor(name: string): Promise<PullCursor | undefined>;
  /**
   * Take or renew the named lease (e.g. the one puller among several processes) until `until`.
   * False while another owner holds it unexpired.
   */
  takeNamedLease(name: string, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Give the named lease back if `owner` holds it. */
  releaseNamedLease(name: string, owner: string): Promise<void>;
  /** Group-commit counters since open (for metrics and tests). Both built-in backends provide it. */
  appendStats?(): AppendStats;
}

export interface StatsOptions {
  /**
   * PostgreSQL: estimate the `done` count from the planner's row count (`pg_class.reltuples`)
   * instead of counting every row; the other statuses stay exact. For metrics scrapes. SQLite's
   * counts are exact and cheap either way. @defaultValue false
   */
  estimateDone?: boolean;
}

export interface PruneOptions {
  /** Prune events received before this instant (the caller's clock minus the retention). */
  receivedBefore: Date;
  /** Recorded as `pruned_at`. */
  now: Date;
  /** Also prune `dead` events. @defaultValue false */
  includeDead?: boolean;
  /** Events per statement. @defaultValue `defaults.pruneBatchSize.value` */
  batchSize?: number;
  /**
   * Start no further statement in one transaction after this long, in ms (at least one runs), so
   * the SQLite write lock is held only briefly before appends get their turn. @defaultValue `defaults.pruneBudgetMs.value`
   */
  budgetMs?: number;
  /** Stop after this many events (the next call goes on). @defaultValue unlimited */
  maxEvents?: number;
}

export interface PruneResult {
  /** Events whose payload and attempts were deleted. */
  pruned: number;
  /** Transactions used. */
  transactions: number;
  /** SQLite: database pages given back to the file system by the incremental vacuum. */
  vacuumedPages: number;
}

/** The position of an Events API cursor. Exactly one of `after` and `rangeStart` is set. */
export interface PullCursorUpdate {
  name: string;
  /** The last event id the Events API returned (sent as `after`). */
  after: string | null;
  /** Before the first event: the `range_start` asked for (ISO-8601). */
  rangeStart: string | null;
}

export interface PullCursor extends PullCursorUpdate {
  updatedAt: Date;
}

/** The events `Store.claimOrComplete` completes in its claim's transaction. */
export interface InlineCompletion {
  /**
   * Due events to look at, at most (`ClaimOptions.limit` still bounds how many are leased: the
   * due events beyond it that `collect` does not take are left as they are).
   */
  limit: number;
  /**
   * Collect this due event's writes and answer true, or answer false (collecting nothing) to have
   * it claimed as usual. Called once per due event of a name `accepts` accepts, oldest first;
   * must not throw.
   */
  collect(event: StoredEvent): boolean;
  /**
   * Whether `collect` may take events of this name. The claim reads the due events' ids and names
   * first, then the whole rows (bodies included) only of the names accepted: a backlog of events
   * with handlers of their own is not read `limit` at a time to lease a few.
   */
  accepts(event: string): boolean;
  /**
   * Optional: `accepts` accepts every name (no event has handlers of its own), so the claim reads
   * the due events whole in its first statement instead of reading their names first.
   */
  acceptsEvery?: boolean;
  /**
   * Optional, PostgreSQL: `collect`'s writes lock the event's directory (the mirror's). The claim
   * then takes one directory's due events: the directory of the oldest due event that no other
   * transaction holds (its lock taken without waiting; when every candidate is held, it waits
   * for the first), with the due events of no directory, so several workers apply different
   * directories side by side instead of queueing on one lock (store migration 0008).
   */
  byDirectory?: boolean;
  /** Apply what `collect` collected, inside the transaction. */
  flush(tx: SqlExecutor): Promise<void>;
  /** Told when `flush` threw (everything collected is then claimed instead). */
  flushFailed?(error: unknown): void;
}

/** What `Store.claimOrComplete` did: events completed in its transaction, events leased. */
export interface ClaimOrCompleteResult {
  done: StoredEvent[];
  claimed: StoredEvent[];
  /** Due events looked at (`done`, `claimed`, and those left due past `ClaimOptions.limit`). */
  due: number;
  /**
   * Whether anything else wanted the write lock meanwhile: an append of this process waited for
   * the transaction to end, or another process's transaction delayed its start.
   */
  contended: boolean;
}

/** One event of `Store.completeMany`. */
export interface CompleteItem {
  id: string;
  work: (tx: SqlExecutor) => Promise<void>;
  /** What to record when `work` throws (the worker's backoff or dead letter). */
  failure: (error: unknown) => FailOptions;
  /**
   * `work` writes nothing itself: it only collects writes that `CompleteManyOptions.flush`
   * applies, and collects nothing when it throws. Such an item runs without a savepoint of its
   * own (a round trip or two fewer per event). @defaultValue false
   */
  collectsOnly?: boolean;
}

export interface CompleteManyOptions {
  /** Items at most in this transaction. @defaultValue `defaults.completeManyMaxItems.value` */
  maxItems?: number;
  /** Start no further item after this long (wall time since the transaction began), in ms. @defaultValue `defaults.completeManyBudgetMs.value` */
  budgetMs?: number;
  /** Start no further item once this says so (the worker is stopping), not even the first. */
  stopped?: () => boolean;
  /**
   * The monotonic clock the budget is measured with, in ms; injected so tests decide when the
   * budget is spent instead of depending on the machine's speed. @defaultValue performance.now
   */
  monotonicNow?: () => number;
  /**
   * Apply the writes the `collectsOnly` items collected: called before the next item that is not
   * `collectsOnly` runs (so it sees them) and once before the events are marked done. If it
   * throws, the whole transaction rolls back.
   */
  flush?: (tx: SqlExecutor) => Promise<void>;
  /**
   * When the items finished: the done events' `processedAt` and their attempts' end. Read once,
   * after the last item ran. @defaultValue the call's `now`
   */
  finishedAt?: () => Date;
}

/** What became of one item of `completeMany`. `failed.recorded` is false if the lease was lost meanwhile. */
export type CompleteResult =
  | { id: string; outcome: 'done' }
  | { id: string; outcome: 'lease_lost' }
  | { id: string; outcome: 'failed'; error: unknown; recorded: boolean };

/** Group-commit counters: `events / batches` is the mean batch size. */
export interface AppendStats {
  /** Transactions committed by the append path (one fsync each). */
  batches: number;
  /** Events written or found duplicate by those transactions. */
  events: number;
  /** Of those, how many were new. */
  inserted: number;
  /** Largest batch so far. */
  maxBatchSize: number;
  /** Appends accepted and not yet settled, right now (bounded by `maxPendingAppends`). */
  pending: number;
  /** Their body bytes (bounded by `maxPendingAppendBytes`). */
  pendingBytes: number;
}

export interface StoreOptions {
  /** A `postgres://` / `postgresql://` URL, or a SQLite file path. */
  database: string;
  /** Extra migration sets applied after the core's (e.g. the directory mirror's). */
  migrationSets?: readonly MigrationSet[];
  /** PostgreSQL only: the schema to use (created if missing). @defaultValue `defaults.schema.value` */
  schema?: string;
  /** Group commit: at most this many events per transaction. @defaultValue `defaults.maxBatchSize.value` */
  maxBatchSize?: number;
  /**
   * Appends accepted but not yet committed, at most; past it (or past `maxPendingAppendBytes`)
   * `append` rejects at once with StoreUnavailableError (receivers answer 503 + Retry-After), so
   * memory stays bounded while the database stalls. @defaultValue `defaults.maxPendingAppends.value`
   */
  maxPendingAppends?: number;
  /** Bytes of bodies accepted but not yet committed, at most (see `maxPendingAppends`). @defaultValue `defaults.maxPendingAppendBytes.value` */
  maxPendingAppendBytes?: number;
  /** PostgreSQL pool size. @defaultValue `defaults.poolSize.value` */
  poolSize?: number;
  /** PostgreSQL: give up connecting after this long (then StoreUnavailableError). @defaultValue `defaults.connectTimeoutMs.value` */
  connectTimeoutMs?: number;
  /**
   * SQLite: how long a write waits for the database write lock (held by another process, or by a
   * handler's `complete` transaction) before failing with StoreUnavailableError. @defaultValue `defaults.busyTimeoutMs.value`
   */
  busyTimeoutMs?: number;
  /**
   * SQLite: called when a write has waited `writeLockNoticeMs` for the write lock another process
   * holds (a `serve` in a long transaction), once per write; the write waits on, up to
   * `busyTimeoutMs`. The CLI says on stderr that it is waiting, so a command does not seem hung.
   */
  onWriteLockWait?: (wait: { waitedMs: number; busyTimeoutMs: number }) => void;
  /** SQLite: see `onWriteLockWait`. @defaultValue see {@link defaults} */
  writeLockNoticeMs?: number;
  /**
   * SQLite: what this store shares with the stores of the process's other threads on the same
   * file (`serve`'s worker thread): their turns on the write lock and their wake-ups. From
   * `createSqliteThreadShare()`, passed to each thread. @defaultValue none (this thread alone)
   */
  sqliteThreadShare?: SqliteThreadShare;
}

/** The database could not be reached or could not commit. Receivers answer 503 + Retry-After. */
export class StoreUnavailableError extends WorkosInboxError {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'store_unavailable';
}

/** The database schema does not match this build (unknown or changed migration). */
export class SchemaMismatchError extends WorkosInboxError {
  override readonly name = 'SchemaMismatchError';
  readonly code = 'schema_mismatch';
}

/**
 * A migration's SQL failed (often one of your own `migrationSets`): the message names it
 * (`my-app/0002 (0002-add-email)`) and the database's error; that error is the `cause`.
 * Nothing of the failed `migrate()` is kept (it runs in one transaction).
 */
export class MigrationFailedError extends WorkosInboxError {
  override readonly name = 'MigrationFailedError';
  readonly code = 'migration_failed';
}

/** Options of {@link Store.close}. */
export interface CloseOptions {
  /** Wait this long for open transactions, then roll them back. @defaultValue no limit */
  timeoutMs?: number;
}
