import { defaults } from '../../defaults.js';
import pg from 'pg';
import { coreMigrationSet } from '../core-migrations.js';
import { eventsApiMigrationSet } from '../events-api-migrations.js';
import {
  appendPagePostgres,
  readPullCursor,
  releaseNamedLease,
  takeNamedLease,
} from '../pull-operations.js';
import {
  eventStats,
  getEvent,
  getEvents,
  listAttempts,
  listEvents,
  redriveEvents,
  replayEvent,
} from '../event-queries.js';
import {
  claimEvents,
  claimOrCompleteEvents,
  extendLease,
  completeItems,
  markDone,
  restampDone,
  markFailed,
  releaseLeases,
} from '../lease-operations.js';
import { applyMigrations, checkMigrations } from '../migration-runner.js';
import { checkPruneOptions, pruneInTransaction } from '../prune-events.js';
import type { MigrationSession } from '../migration-runner.js';
import type { SqlExecutor } from '../sql-executor.js';
import { StoreUnavailableError } from '../types.js';
import type {
  AppendOutcome,
  AppendStats,
  AttemptRecord,
  ClaimOptions,
  ClaimOrCompleteResult,
  CloseOptions,
  CompleteItem,
  CompleteManyOptions,
  CompleteResult,
  EventFilter,
  FailOptions,
  InlineCompletion,
  ListOptions,
  ListPage,
  MigrationSet,
  NewEvent,
  PruneOptions,
  PruneResult,
  PullCursor,
  PullCursorUpdate,
  SchemaStatus,
  Store,
  StoreOptions,
  StatsOptions,
  StoreStats,
  StoredEvent,
  WriteTransactionOptions,
} from '../types.js';
import { validateNewEvent } from '../validate-event.js';
import { WakeListeners } from '../wake-listeners.js';
import { AppendBatcher } from './append-batcher.js';
import { postgresConfig } from './postgres-config.js';
import { postgresExecutor } from './postgres-executor.js';
import { eventArrayParameters, eventArrays, insertEventArrays } from './insert-events.js';
import { asUnavailable } from './unavailable.js';
import { WakeListener, wakeChannel } from './wake-listener.js';
import { timedOut, within } from '../../within.js';

/**
 * The PostgreSQL backend: a pool shared by every operation, group commit with one INSERT (over
 * arrays) per batch, claims with FOR UPDATE SKIP LOCKED, and LISTEN/NOTIFY wake-ups across
 * processes. Many processes on many machines can share one database.
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  /** Connections in a transaction, for a `close` that stops waiting for them. */
  private readonly open = new Map<pg.PoolClient, { released: boolean }>();
  private readonly batcher: AppendBatcher;
  private readonly wake = new WakeListeners();
  private readonly listener: WakeListener;
  private listening = false;
  private readonly sets: readonly MigrationSet[];
  private readonly schema: string | undefined;
  private closing: Promise<void> | undefined;

  private constructor(options: StoreOptions) {
    const config = postgresConfig(options);
    this.schema = options.schema;
    this.sets = [coreMigrationSet(), eventsApiMigrationSet(), ...(options.migrationSets ?? [])];
    this.pool = new pg.Pool({
      ...config,
      max: options.poolSize ?? defaults.poolSize.value,
      // Keep connections warm between bursts: opening one costs a server process and, on a busy
      // server, can approach connectTimeoutMs.
      idleTimeoutMillis: 60_000,
      allowExitOnIdle: true,
    });
    // An idle connection dropped by the server: the pool discards it and opens a new one later.
    this.pool.on('error', () => {});
    this.listener = new WakeListener(config, () => this.wake.emit());
    this.batcher = new AppendBatcher({
      maxBatchSize: options.maxBatchSize ?? defaults.maxBatchSize.value,
      maxInFlight: Math.max(
        1,
        Math.min(4, Math.floor((options.poolSize ?? defaults.poolSize.value) / 2)),
      ),
      commit: (events) => this.insertBatch(events),
      ...(options.maxPendingAppends !== undefined
        ? { maxPendingAppends: options.maxPendingAppends }
        : {}),
      ...(options.maxPendingAppendBytes !== undefined
        ? { maxPendingAppendBytes: options.maxPendingAppendBytes }
        : {}),
    });
  }

  /** Create the pool (connections are made on first use). Does not migrate. */
  static open(options: StoreOptions): PostgresStore {
    return new PostgresStore(options);
  }

  private async insertBatch(events: NewEvent[]): Promise<Set<string>> {
    // One fixed statement text over arrays (not a VALUES list that changes with the batch size),
    // so each connection prepares it once. One statement is one implicit transaction and one WAL
    // flush; the NOTIFY goes out at its commit (identical notifications fold into one).
    const result = await this.pool.query<{ id: string }>({
      name: 'workos_inbox_append',
      text: `WITH inserted AS (${insertEventArrays})
       SELECT id, pg_notify($${eventArrayParameters + 1}, '') FROM inserted`,
      values: [...eventArrays(events), wakeChannel],
    });
    const inserted = new Set(result.rows.map((r) => r.id));
    if (inserted.size > 0) this.wake.emit();
    return inserted;
  }

  private guard(): void {
    if (this.closing) throw new StoreUnavailableError('the store is closed');
  }

  /**
   * The worker's transactions (claim, complete, fail, lease): `synchronous_commit = off` lets
   * COMMIT return before the WAL reaches the disk. A server crash can then undo the last few of
   * them, but only whole: a claim, or a `done` together with the handler's writes, so the event is
   * simply processed again and database effects stay exactly once. Appends (what a 200
   * acknowledges) keep the server's setting and are durable when answered.
   */
  private workerTransaction<T>(
    doing: string,
    fn: (tx: MigrationSession) => Promise<T>,
  ): Promise<T> {
    return this.transaction(doing, fn, 'BEGIN; SET LOCAL synchronous_commit = off');
  }

  /** Run `fn` in a transaction on one pooled connection. */
  private async transaction<T>(
    doing: string,
    fn: (tx: MigrationSession) => Promise<T>,
    begin = 'BEGIN',
  ): Promise<T> {
    this.guard();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw asUnavailable(error, doing);
    }
    let broken: unknown;
    // The server may drop a checked-out connection between statements (pg_terminate_backend, a
    // restart, a network cut): the client then emits 'error', which pg-pool listens for only
    // while the client is idle in the pool. Unheard, it ended the process ("Unhandled 'error'
    // event"); here it marks the connection broken, and the next statement fails as unavailable.
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    const state = { released: false };
    this.open.set(client, state);
    try {
      await client.query(begin);
      const result = await fn(postgresExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError;
      }
      throw asUnavailable(error, doing);
    } finally {
      this.open.delete(client);
      client.off('error', onError);
      // A connection that could not even roll back is dropped instead of reused (one `close`
      // gave up waiting for is released already).
      if (!state.released) client.release(broken instanceof Error ? broken : undefined);
    }
  }

  private async query<T>(doing: string, fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    this.guard();
    try {
      return await fn(postgresExecutor(this.pool));
    } catch (error) {
      throw asUnavailable(error, doing);
    }
  }

  async migrate(): Promise<string[]> {
    return this.transaction('migrating', async (tx) => {
      // Concurrent starts queue here; the second one finds everything applied.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
        `workos_inbox_migrate:${this.schema ?? ''}`,
      ]);
      if (this.schema) await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      return applyMigrations(tx, this.sets, new Date());
    });
  }

  checkSchema(): Promise<SchemaStatus> {
    return this.query('checking the schema', (db) =>
      checkMigrations(db as MigrationSession, this.sets),
    );
  }

  async ping(): Promise<void> {
    try {
      await this.query('pinging', (db) => db.query('SELECT 1'));
    } catch (error) {
      throw error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(`PostgreSQL is not usable: ${String(error)}`, { cause: error });
    }
  }

  append(event: NewEvent): Promise<AppendOutcome> {
    try {
      this.guard();
      validateNewEvent(event);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.batcher.append(event);
  }

  appendStats(): AppendStats {
    return this.batcher.stats();
  }

  /**
   * One statement (appendPagePostgres): the page, its cursor and the NOTIFY commit together,
   * durable like `append` (the server's synchronous_commit).
   */
  async appendPage(
    events: readonly NewEvent[],
    cursor: PullCursorUpdate,
    now: Date,
  ): Promise<AppendOutcome[]> {
    for (const event of events) validateNewEvent(event);
    const outcomes = await this.query('appending a page', (db) =>
      appendPagePostgres(db, events, cursor, now, wakeChannel),
    );
    if (outcomes.includes('inserted')) this.wake.emit();
    return outcomes;
  }

  pullCursor(name: string): Promise<PullCursor | undefined> {
    return this.query('reading a pull cursor', (db) => readPullCursor(db, name));
  }

  takeNamedLease(name: string, owner: string, until: Date, now: Date): Promise<boolean> {
    return this.transaction('taking a lease', (tx) => takeNamedLease(tx, name, owner, until, now));
  }

  releaseNamedLease(name: string, owner: string): Promise<void> {
    return this.transaction('releasing a lease', (tx) => releaseNamedLease(tx, name, owner));
  }

  claim(options: ClaimOptions): Promise<StoredEvent[]> {
    return this.workerTransaction('claiming', (tx) => claimEvents(tx, options));
  }

  async claimOrComplete(
    options: ClaimOptions,
    inline: InlineCompletion,
  ): Promise<ClaimOrCompleteResult> {
    const value = await this.workerTransaction('claiming', (tx) =>
      claimOrCompleteEvents(tx, options, inline),
    );
    return { ...value, contended: false };
  }

  complete(
    id: string,
    owner: string,
    work: (tx: SqlExecutor) => Promise<void>,
    now: Date,
    finishedAt?: () => Date,
  ): Promise<boolean> {
    return this.workerTransaction('completing', async (tx) => {
      if (!(await markDone(tx, id, owner, now))) return false;
      await work(tx);
      if (finishedAt) await restampDone(tx, id, owner, now, finishedAt());
      return true;
    });
  }

  completeMany(
    owner: string,
    items: readonly CompleteItem[],
    now: Date,
    options?: CompleteManyOptions,
  ): Promise<CompleteResult[]> {
    return this.workerTransaction('completing', (tx) =>
      completeItems(tx, owner, items, now, options),
    );
  }

  fail(id: string, owner: string, options: FailOptions): Promise<boolean> {
    return this.workerTransaction('failing', (tx) => markFailed(tx, id, owner, options));
  }

  extendLease(id: string, owner: string, until: Date): Promise<boolean> {
    return this.workerTransaction('extending a lease', (tx) => extendLease(tx, id, owner, until));
  }

  async releaseLeases(owner: string, now: Date): Promise<number> {
    const released = await this.workerTransaction('releasing leases', async (tx) => {
      const count = await releaseLeases(tx, owner, now);
      if (count > 0) await tx.query(`SELECT pg_notify($1, '')`, [wakeChannel]);
      return count;
    });
    // NOTIFY reaches this process too, but later: wake local workers at once.
    if (released > 0) this.wake.emit();
    return released;
  }

  get(id: string): Promise<StoredEvent | undefined> {
    return this.query('reading an event', (db) => getEvent(db, id));
  }

  getMany(ids: readonly string[]): Promise<StoredEvent[]> {
    return this.query('reading events', (db) => getEvents(db, ids));
  }

  attempts(id: string): Promise<AttemptRecord[]> {
    return this.query('reading attempts', (db) => listAttempts(db, id));
  }

  list(options: ListOptions): Promise<ListPage> {
    return this.query('listing events', (db) => listEvents(db, options));
  }

  async replay(id: string, now: Date): Promise<boolean> {
    const replayed = await this.transaction('replaying', async (tx) => {
      const done = await replayEvent(tx, id, now);
      if (done) await tx.query(`SELECT pg_notify($1, '')`, [wakeChannel]);
      return done;
    });
    if (replayed) this.wake.emit();
    return replayed;
  }

  async redrive(filter: EventFilter, now: Date): Promise<number> {
    const count = await this.transaction('redriving', async (tx) => {
      const n = await redriveEvents(tx, filter, now);
      if (n > 0) await tx.query(`SELECT pg_notify($1, '')`, [wakeChannel]);
      return n;
    });
    if (count > 0) this.wake.emit();
    return count;
  }

  stats(now: Date, options?: StatsOptions): Promise<StoreStats> {
    return this.query('reading stats', (db) => eventStats(db, now, options));
  }

  async prune(options: PruneOptions): Promise<PruneResult> {
    checkPruneOptions(options);
    const result: PruneResult = { pruned: 0, transactions: 0, vacuumedPages: 0 };
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    // Short transactions keep row locks and the snapshot brief; the space of the old row versions
    // is reclaimed by autovacuum (docs/store.md).
    for (let more = true; more && result.pruned < maxEvents;) {
      const step = await this.transaction('pruning', (tx) =>
        pruneInTransaction(tx, options, maxEvents - result.pruned),
      );
      result.pruned += step.pruned;
      result.transactions++;
      more = step.more;
    }
    return result;
  }

  onWake(listener: () => void): () => void {
    const remove = this.wake.add(listener);
    if (!this.listening && !this.closing) {
      this.listening = true;
      this.listener.start();
    }
    return remove;
  }

  async writeTransaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    options?: WriteTransactionOptions<T>,
  ): Promise<T> {
    const wakeIf = options?.wakeIf;
    if (!wakeIf) return this.workerTransaction('writing', fn);
    let wake = false;
    const result = await this.workerTransaction('writing', async (tx) => {
      const value = await fn(tx);
      wake = wakeIf(value);
      // Every process's listeners, at the commit (as a redrive of events does).
      if (wake) await tx.query(`SELECT pg_notify($1, '')`, [wakeChannel]);
      return value;
    });
    // The NOTIFY reaches this process too, but later: wake its listeners at once.
    if (wake) this.wake.emit();
    return result;
  }

  read<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    return this.transaction('reading', fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  close(options?: CloseOptions): Promise<void> {
    this.closing ??= (async () => {
      await this.batcher.drain();
      await this.listener.stop();
      const ended = this.pool.end();
      if (
        options?.timeoutMs !== undefined &&
        (await within(ended, options.timeoutMs)) === timedOut
      ) {
        // A transaction still open (a handler that never ends): its connection is closed, which
        // rolls it back; its own commit then fails, and its event comes back.
        for (const [client, state] of this.open) {
          state.released = true;
          client.release(new StoreUnavailableError('the store was closed during this transaction'));
        }
      }
      await ended;
    })();
    return this.closing;
  }
}
