import { defaults } from '../../defaults.js';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { fileSystemReasons, makeFolder } from '../../make-folder.js';
import { AsyncMutex } from '../async-mutex.js';
import { InvalidDatabaseError } from '../open-store.js';
import { coreMigrationSet } from '../core-migrations.js';
import { eventsApiMigrationSet } from '../events-api-migrations.js';
import { readPullCursor, releaseNamedLease, takeNamedLease } from '../pull-operations.js';
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
  StoreStats,
  StoredEvent,
  AttemptRecord,
  WriteTransactionOptions,
} from '../types.js';
import { AppendThread } from './append-thread.js';
import { isBusy, openSqlite } from './sqlite-connection.js';
import { sqliteExecutor } from './sqlite-executor.js';
import { ReaderPool } from './reader-pool.js';
import { SharedWakes } from './thread-share.js';
import { validateNewEvent } from '../validate-event.js';
import { WakeListeners } from '../wake-listeners.js';
import { timedOut, within } from '../../within.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The SQLite backend: one file in WAL mode.
 *
 * - Appends run on a worker thread with its own connection (synchronous=FULL, group commit).
 * - Other writes share one main-thread connection, one transaction at a time; they wait for the
 *   write lock asynchronously, so a long append batch never blocks the event loop.
 * - Reads use a small pool of read-only connections.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly writer: Database.Database;
  private readonly writerSession: MigrationSession;
  private readonly mutex = new AsyncMutex();
  private readonly readers: ReaderPool;
  private readonly appender: AppendThread;
  private readonly wake = new WakeListeners();
  private readonly sets: readonly MigrationSet[];
  private readonly busyTimeoutMs: number;
  private readonly onWriteLockWait: StoreOptions['onWriteLockWait'];
  private readonly writeLockNoticeMs: number;
  private closing: Promise<void> | undefined;
  private writesSinceCheckpoint = 0;
  private sharedWakes: SharedWakes | undefined;

  private constructor(
    private readonly path: string,
    options: StoreOptions,
  ) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? defaults.busyTimeoutMs.value;
    this.onWriteLockWait = options.onWriteLockWait;
    this.writeLockNoticeMs = options.writeLockNoticeMs ?? defaults.writeLockNoticeMs.value;
    this.sets = [coreMigrationSet(), eventsApiMigrationSet(), ...(options.migrationSets ?? [])];
    this.writer = openSqlite(path, { busyTimeoutMs: this.busyTimeoutMs });
    // Main-thread writes wait for the lock without blocking the event loop (see beginImmediate).
    this.writer.pragma('busy_timeout = 0');
    // Claims and completions need no fsync of their own: the WAL is written in order, so the
    // append thread's next FULL commit makes them durable too, and a power loss before that can
    // only undo a claim or a `done` together with the handler's writes, never half of them.
    this.writer.pragma('synchronous = NORMAL');
    // A checkpoint writes and fsyncs the database file: leave it to the append thread (its
    // commits auto-checkpoint, and `write` asks it to after every 200 transactions here).
    this.writer.pragma('wal_autocheckpoint = 0');
    this.writerSession = sqliteExecutor(this.writer);
    this.readers = new ReaderPool(
      path,
      defaults.sqliteReaders.value,
      Math.min(this.busyTimeoutMs, defaults.sqliteReaderBusyTimeoutMaxMs.value),
    );
    this.appender = new AppendThread(
      {
        path,
        busyTimeoutMs: this.busyTimeoutMs,
        maxBatchSize: options.maxBatchSize ?? defaults.maxBatchSize.value,
      },
      () => this.wakeAll(),
      options,
      options.sqliteThreadShare?.writeLock,
    );
    if (options.sqliteThreadShare) {
      this.sharedWakes = new SharedWakes(options.sqliteThreadShare.wakes, () => this.wake.emit());
    }
  }

  /** Open (creating the file and its folder if needed). Does not migrate. */
  static open(options: StoreOptions): SqliteStore {
    const path = resolve(options.database);
    try {
      makeFolder(dirname(path));
    } catch (error) {
      // Node's bare `EEXIST: file already exists, mkdir '…'` named neither the database nor what
      // to change. Not an outage: retrying cannot help, the path must change (as a bad URL).
      const e = error as NodeJS.ErrnoException;
      const reason = (e.code !== undefined && fileSystemReasons[e.code]) || e.message;
      throw new InvalidDatabaseError(
        `cannot create the folder ${e.path ?? dirname(path)} of the SQLite database ${path}: ` +
          `${reason}. Choose a database path whose folder this user can create and write in`,
        { cause: error },
      );
    }
    // SQLite says only "unable to open database file", read as an outage (exit 3, a 503 asking
    // WorkOS to retry): a folder given as the database is a setting to change, as above.
    const stat = accessible(path, () => statSync(path, { throwIfNoEntry: false }), {
      // The file's folder (or one above it) may not be searched.
      where: `${dirname(path)} (or a folder above it)`,
    });
    if (stat?.isDirectory()) {
      throw new InvalidDatabaseError(
        `the SQLite database ${path} is a folder, not a file. Choose a database path that ` +
          `names a file (${join(path, 'inbox.db')}, for example)`,
      );
    }
    // So is a file this user may not read, or a folder it may not write in (SQLite said "unable
    // to open database file" or "attempt to write a readonly database"): SQLite creates the file,
    // and its -wal and -shm files beside it, so the folder must be writable too. A file it may
    // read only is not refused here: SQLite opens it read-only, and reading commands work.
    accessible(path, () => {
      accessSync(dirname(path), constants.W_OK | constants.X_OK);
      if (stat) accessSync(path, constants.R_OK);
    });
    try {
      return new SqliteStore(path, options);
    } catch (error) {
      // SQLite's own refusals (not a database, corrupt, cannot open) name the file here.
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw error;
      throw new StoreUnavailableError(
        `cannot open the SQLite database ${path}: ${(error as Error).message} (${code})`,
        { cause: error },
      );
    }
  }

  /**
   * Only another process can hold the lock here (this process's threads share ThreadWriteLock).
   * Retry on a short timer rather than sleeping in SQLite's busy handler, which would block the
   * event loop; the cap is low because the other process's transactions are short. Resolves
   * whether it had to wait.
   */
  private async beginImmediate(): Promise<boolean> {
    const start = Date.now();
    const deadline = start + this.busyTimeoutMs;
    let noticeAt = this.onWriteLockWait ? start + this.writeLockNoticeMs : undefined;
    for (let delayMs = 1, waited = false; ; delayMs = Math.min(delayMs * 2, 4), waited = true) {
      try {
        this.writer.exec('BEGIN IMMEDIATE');
        return waited;
      } catch (error) {
        if (!isBusy(error)) throw error;
        const now = Date.now();
        if (now >= deadline) {
          throw new StoreUnavailableError(
            `the SQLite write lock stayed busy for ${this.busyTimeoutMs} ms: another process ` +
              'held it all that time (a serve or work in a long transaction, or another command)',
            { cause: error },
          );
        }
        if (noticeAt !== undefined && now >= noticeAt) {
          noticeAt = undefined;
          this.onWriteLockWait?.({ waitedMs: now - start, busyTimeoutMs: this.busyTimeoutMs });
        }
        await sleep(delayMs);
      }
    }
  }

  /**
   * One write transaction at a time on the main-thread connection, each holding the in-process
   * write lock (shared with the append thread) only while it runs.
   */
  private async write<T>(fn: (tx: MigrationSession) => Promise<T>): Promise<T> {
    return (await this.writeObserved(fn)).value;
  }

  /**
   * `write`, telling also whether anything else wanted the write lock meanwhile: another
   * process's transaction delayed BEGIN, or the append thread was waiting when it ended.
   */
  private writeObserved<T>(
    fn: (tx: MigrationSession) => Promise<T>,
  ): Promise<{ value: T; contended: boolean }> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('the store is closed'));
    return this.mutex.run(async () => {
      // Each transaction in its own turn of the event loop: a chain of queued transactions would
      // otherwise run as one long microtask chain and hold back I/O (requests, append results).
      await new Promise<void>((resolve) => setImmediate(resolve));
      const lock = await this.appender.acquireWriteLock();
      try {
        const waited = await this.beginImmediate();
        try {
          const value = await fn(this.writerSession);
          this.writer.exec('COMMIT');
          if (++this.writesSinceCheckpoint >= 200) {
            this.writesSinceCheckpoint = 0;
            this.appender.requestCheckpoint();
          }
          return { value, contended: waited || lock.appendWaiting() };
        } catch (error) {
          if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
          // A file this user may only read, opened read-only by SQLite without a word: a command
          // that writes (`events redrive`, `prune`…) says so as `migrate` does, not with a stack.
          if (String((error as { code?: unknown }).code).startsWith('SQLITE_READONLY')) {
            accessible(this.path, () => accessSync(this.path, constants.W_OK));
          }
          throw error;
        }
      } finally {
        lock.release();
      }
    });
  }

  private readWith<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('the store is closed'));
    return this.readers.use((db) => fn(sqliteExecutor(db)));
  }

  async migrate(): Promise<string[]> {
    // What serve, work and `migrate` do first. A file this user may only read, SQLite opened
    // read-only without a word: serve was ready (/readyz 200) and answered every webhook 503.
    accessible(this.path, () => accessSync(this.path, constants.W_OK));
    const applied = await this.write((tx) => applyMigrations(tx, this.sets, new Date()));
    // Callers migrate at start: a good moment to bring the append thread up.
    this.appender.warm();
    return applied;
  }

  checkSchema(): Promise<SchemaStatus> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('the store is closed'));
    return this.readers.use((db) => checkMigrations(sqliteExecutor(db), this.sets));
  }

  async ping(): Promise<void> {
    try {
      await this.readWith((db) => db.query('SELECT 1'));
    } catch (error) {
      throw error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(`SQLite is not usable: ${String(error)}`, { cause: error });
    }
  }

  append(event: NewEvent): Promise<AppendOutcome> {
    try {
      validateNewEvent(event);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.appender.append(event);
  }

  appendStats(): AppendStats {
    return this.appender.stats();
  }

  /**
   * On the append thread's connection (synchronous=FULL), the page and its cursor in one
   * transaction: storing runs beside the puller's fetching and parsing, not on its thread.
   */
  async appendPage(
    events: readonly NewEvent[],
    cursor: PullCursorUpdate,
    now: Date,
  ): Promise<AppendOutcome[]> {
    for (const event of events) validateNewEvent(event);
    const outcomes = await this.appender.appendPage(events, cursor, now);
    if (outcomes.includes('inserted')) this.wakeAll();
    return outcomes;
  }

  pullCursor(name: string): Promise<PullCursor | undefined> {
    return this.readWith((db) => readPullCursor(db, name));
  }

  takeNamedLease(name: string, owner: string, until: Date, now: Date): Promise<boolean> {
    return this.write((tx) => takeNamedLease(tx, name, owner, until, now));
  }

  releaseNamedLease(name: string, owner: string): Promise<void> {
    return this.write((tx) => releaseNamedLease(tx, name, owner));
  }

  claim(options: ClaimOptions): Promise<StoredEvent[]> {
    return this.write((tx) => claimEvents(tx, options));
  }

  async claimOrComplete(
    options: ClaimOptions,
    inline: InlineCompletion,
  ): Promise<ClaimOrCompleteResult> {
    const { value, contended } = await this.writeObserved((tx) =>
      claimOrCompleteEvents(tx, options, inline),
    );
    return { ...value, contended };
  }

  complete(
    id: string,
    owner: string,
    work: (tx: SqlExecutor) => Promise<void>,
    now: Date,
    finishedAt?: () => Date,
  ): Promise<boolean> {
    return this.write(async (tx) => {
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
    return this.write((tx) => completeItems(tx, owner, items, now, options));
  }

  fail(id: string, owner: string, options: FailOptions): Promise<boolean> {
    return this.write((tx) => markFailed(tx, id, owner, options));
  }

  extendLease(id: string, owner: string, until: Date): Promise<boolean> {
    return this.write((tx) => extendLease(tx, id, owner, until));
  }

  async releaseLeases(owner: string, now: Date): Promise<number> {
    const released = await this.write((tx) => releaseLeases(tx, owner, now));
    if (released > 0) this.wakeAll();
    return released;
  }

  get(id: string): Promise<StoredEvent | undefined> {
    return this.readWith((db) => getEvent(db, id));
  }

  getMany(ids: readonly string[]): Promise<StoredEvent[]> {
    return this.readWith((db) => getEvents(db, ids));
  }

  attempts(id: string): Promise<AttemptRecord[]> {
    return this.readWith((db) => listAttempts(db, id));
  }

  list(options: ListOptions): Promise<ListPage> {
    return this.readWith((db) => listEvents(db, options));
  }

  async replay(id: string, now: Date): Promise<boolean> {
    // An event being processed holds the write lock through its handlers: refused at once, as on
    // PostgreSQL, instead of after waiting for them (and then replaying the event they finished).
    if ((await this.get(id))?.status === 'processing') return false;
    const replayed = await this.write((tx) => replayEvent(tx, id, now));
    if (replayed) this.wakeAll();
    return replayed;
  }

  async redrive(filter: EventFilter, now: Date): Promise<number> {
    const count = await this.write((tx) => redriveEvents(tx, filter, now));
    if (count > 0) this.wakeAll();
    return count;
  }

  stats(now: Date): Promise<StoreStats> {
    return this.readWith((db) => eventStats(db, now));
  }

  async prune(options: PruneOptions): Promise<PruneResult> {
    checkPruneOptions(options);
    const result: PruneResult = { pruned: 0, transactions: 0, vacuumedPages: 0 };
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    // One short transaction at a time through `write`: each waits its turn for the write lock, and
    // the append thread, when it waits, goes first (ThreadWriteLock), so requests never queue
    // behind the whole prune.
    for (let more = true; more && result.pruned < maxEvents;) {
      const step = await this.write((tx) =>
        pruneInTransaction(tx, options, maxEvents - result.pruned),
      );
      result.pruned += step.pruned;
      result.transactions++;
      more = step.more;
    }
    if (result.pruned > 0) result.vacuumedPages = await this.vacuumFreePages();
    return result;
  }

  /** incremental_vacuum in steps of 256 pages (~1 MiB), each its own short transaction. */
  private async vacuumFreePages(): Promise<number> {
    let vacuumed = 0;
    for (;;) {
      const freed = await this.write(async () => {
        const mode = this.writer.pragma('auto_vacuum', { simple: true }) as number;
        const free = this.writer.pragma('freelist_count', { simple: true }) as number;
        // 2 = INCREMENTAL; otherwise freed pages stay in the file for new events to reuse.
        if (mode !== 2 || free === 0) return 0;
        const step = Math.min(free, 256);
        this.writer.pragma(`incremental_vacuum(${step})`);
        return step;
      });
      vacuumed += freed;
      if (freed === 0) return vacuumed;
    }
  }

  /** Wake this store's listeners and, through the thread share, the other threads' stores'. */
  private wakeAll(): void {
    if (this.sharedWakes) this.sharedWakes.signal();
    else this.wake.emit();
  }

  onWake(listener: () => void): () => void {
    return this.wake.add(listener);
  }

  async writeTransaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    options?: WriteTransactionOptions<T>,
  ): Promise<T> {
    const wakeIf = options?.wakeIf;
    if (!wakeIf) return this.write(fn);
    let wake = false;
    const result = await this.write(async (tx) => {
      const value = await fn(tx);
      wake = wakeIf(value);
      return value;
    });
    // This process's threads only: SQLite has no signal to another process, which polls.
    if (wake) this.wakeAll();
    return result;
  }

  read<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    return this.readWith(async (db) => {
      const native = db.native as Database.Database;
      native.exec('BEGIN');
      try {
        return await fn(db);
      } finally {
        if (native.inTransaction) native.exec('COMMIT');
      }
    });
  }

  close(options?: CloseOptions): Promise<void> {
    this.closing ??= (async () => {
      await this.appender.close();
      const closed = this.mutex.run(async () => {
        if (this.writer.open) this.writer.close();
      });
      if (options?.timeoutMs !== undefined) {
        // A transaction still open (a handler that never ends) holds the write lock: closing the
        // connection rolls it back; its own commit then fails, and its event comes back.
        if ((await within(closed, options.timeoutMs)) === timedOut) this.writer.close();
      } else {
        await closed;
      }
      this.readers.close();
      this.sharedWakes?.stop();
    })();
    return this.closing;
  }
}

/**
 * Run `check` (a stat or an access check on the SQLite database `path` or its folder); a
 * permission the file system refuses becomes an InvalidDatabaseError naming the path and what to
 * change, with Node's error as its cause. Other errors are thrown as they are.
 */
function accessible<T>(path: string, check: () => T, options: { where?: string } = {}): T {
  try {
    return check();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code !== 'EACCES' && e.code !== 'EPERM' && e.code !== 'EROFS') throw error;
    throw new InvalidDatabaseError(
      `this user may not read and write the SQLite database ${path}: ${fileSystemReasons[e.code]} ` +
        `on ${options.where ?? e.path ?? path}. Give this user read and write access to the file and its folder ` +
        `(SQLite writes ${basename(path)}-wal and ${basename(path)}-shm beside it), or choose a ` +
        'database path it can write',
      { cause: error },
    );
  }
}
