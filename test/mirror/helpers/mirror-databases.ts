import { defineSqlFunctions } from '../../../src/store/sqlite/sqlite-connection.js';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { SqlExecutor } from '../../../src/store/sql-executor.js';
import { sqliteExecutor } from '../../../src/store/sqlite/sqlite-executor.js';
import { mirrorMigrations } from '../../../src/mirror/mirror-migrations.js';
import { mirrorTableNames } from '../../../src/mirror/apply/entity-tables.js';
import { createTestDatabase } from '../../helpers/postgres.js';
import { createTempSqlitePath } from '../../helpers/sqlite.js';

/**
 * A database holding only the mirror's tables, with transactions like the worker's.
 * Test-only: the mirror's SQL and rules are tested directly on both drivers; the store-backed
 * path is covered by the inbox end-to-end test.
 */
export interface MirrorTestDatabase {
  dialect: 'sqlite' | 'postgres';
  /** Run `fn` in one transaction (committed if it resolves, rolled back if it throws). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Reads outside any transaction, for the read API (requests may overlap). */
  reader: SqlExecutor;
  /** Delete every mirror row (between property-test runs). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openSqliteMirrorDatabase(): Promise<MirrorTestDatabase> {
  const temp = createTempSqlitePath('mirror.db');
  const db = new Database(temp.path);
  defineSqlFunctions(db);
  db.pragma('journal_mode = WAL');
  // The mirror tests check SQL semantics, not durability.
  db.pragma('synchronous = OFF');
  for (const m of mirrorMigrations.sqlite) db.exec(m.sql);
  const tx = sqliteExecutor(db);
  return {
    dialect: 'sqlite',
    reader: tx,
    async transaction(fn) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async reset() {
      for (const t of mirrorTableNames) db.exec(`DELETE FROM ${t}`);
    },
    async close() {
      db.close();
      temp.cleanup();
    },
  };
}

/** A SqlExecutor over one pg client (the caller owns the transaction) or a pool. */
export function pgExecutor(client: pg.PoolClient | pg.Client | pg.Pool): SqlExecutor {
  return {
    dialect: 'postgres',
    native: client,
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  };
}

export async function openPostgresMirrorDatabase(): Promise<
  MirrorTestDatabase & { url: string; pool: pg.Pool }
> {
  const database = await createTestDatabase('wi_mirror');
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const setup = await pool.connect();
  try {
    for (const m of mirrorMigrations.postgres) await setup.query(m.sql);
  } finally {
    setup.release();
  }
  return {
    dialect: 'postgres',
    url: database.url,
    pool,
    reader: pgExecutor(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(pgExecutor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    async reset() {
      await pool.query(`TRUNCATE ${mirrorTableNames.join(', ')}`);
    },
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

/**
 * Both backends, for `describe.each`: the name a title shows (`%s`) and how to open a fresh
 * mirror database on it.
 */
export const mirrorDatabases = [
  ['sqlite', openSqliteMirrorDatabase],
  ['postgres', openPostgresMirrorDatabase],
] as const;

function canonical(value: unknown): unknown {
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return canonical(JSON.parse(value));
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  if (value === 0 || value === 1) return value === 1; // SQLite booleans
  return value;
}

/** Every row of every mirror table, JSON normalized, in primary-key order. */
export async function dumpMirror(
  db: Pick<MirrorTestDatabase, 'transaction'>,
): Promise<Record<string, unknown[]>> {
  return db.transaction(async (tx) => {
    const dump: Record<string, unknown[]> = {};
    for (const t of mirrorTableNames) {
      const order = t === 'workos_directory_group_memberships' ? 'group_id, user_id' : 'id';
      const { rows } = await tx.query(`SELECT * FROM ${t} ORDER BY ${order}`);
      dump[t] = rows.map(canonical);
    }
    return dump;
  });
}
