import Database from 'better-sqlite3';
import { sqliteAddonError } from '../load-backend.js';
import { unicodeLowerFunction } from '../sql-executor.js';
import { StoreUnavailableError } from '../types.js';

export interface SqliteConnectionOptions {
  /** sqlite3_busy_timeout: how long a statement waits for a lock, blocking its thread. */
  busyTimeoutMs: number;
  /** Refuse writes (readers). */
  readOnly?: boolean;
}

/**
 * Open a connection with the settings every connection of the store shares.
 *
 * WAL lets readers run while one writer commits. synchronous=FULL makes every commit fsync the WAL
 * before it returns, so an event acknowledged after its commit survives power loss, not only a
 * process crash (NORMAL would skip that fsync and could lose the last commits on power loss).
 */
export function openSqlite(path: string, options: SqliteConnectionOptions): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    // better-sqlite3 loads its addon on the first connection, not on import.
    const addon = sqliteAddonError(error);
    if (addon) throw addon;
    if ((error as { code?: unknown }).code === 'SQLITE_CANTOPEN') {
      throw new StoreUnavailableError(
        `SQLite cannot open or create the database ${path}: check that it names a file (not a ` +
          `folder) in a folder that exists, and that this user can write to both ` +
          `(${(error as Error).message})`,
        { cause: error },
      );
    }
    throw error;
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    // Lets prune give freed pages back to the file system in small steps (incremental_vacuum).
    // SQLite honours it only on a new database and before journal_mode=WAL writes the header; an
    // existing database keeps its mode until a one-time VACUUM (docs/store.md), and reuses freed
    // pages for new events either way, so its file stops growing rather than shrinking. Only on a
    // new (empty) file: setting it opens a write transaction, so on an existing database every
    // connection's opening would wait for whoever holds the write lock (a handler's transaction on
    // another thread), asleep in SQLite's busy handler where a thread cannot be stopped.
    if (!options.readOnly && db.pragma('page_count', { simple: true }) === 0) {
      db.pragma('auto_vacuum = INCREMENTAL');
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Statement journals (a copy of each page a statement changes, kept so a failing constraint
    // undoes that statement alone) and sorts in memory, not in temporary files: measured on a page
    // of pulled events (bench:pull), the journal's file writes were 45% of all bytes written,
    // more than the WAL. A statement journal holds one statement's pages; ours are bounded (pages
    // of 100 events, batches of prune and claims), and reads are paged, so the memory stays small.
    db.pragma('temp_store = MEMORY');
    if (options.readOnly) db.pragma('query_only = ON');
    defineSqlFunctions(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** The functions the store's SQL calls beyond SQLite's own, on a connection: see unicodeLowerSql. */
export function defineSqlFunctions(db: Database.Database): void {
  db.function(unicodeLowerFunction, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
}

/** SQLITE_BUSY / SQLITE_LOCKED: someone else holds the lock; waiting may help. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
  );
}
