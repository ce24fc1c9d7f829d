import type pg from 'pg';
import type { MigrationSession } from '../migration-runner.js';
import type { QueryOptions, QueryResult } from '../sql-executor.js';

/** Convert a parameter to what pg sends (see SqlExecutor for the rules). */
export function toPgValue(value: unknown): unknown {
  if (value === undefined) {
    throw new TypeError('SQL parameter is undefined (use null for NULL)');
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

/** Anything pg can run a query on: a pool or one checked-out client. */
export type PgQueryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** One name per prepared statement text, the same on every connection (pg prepares it on each). */
const preparedNames = new Map<string, string>();

/** The name `sql` is prepared under (`QueryOptions.prepare`). */
function preparedName(sql: string): string {
  let name = preparedNames.get(sql);
  if (name === undefined) {
    name = `workos_inbox_prepared_${preparedNames.size + 1}`;
    preparedNames.set(sql, name);
  }
  return name;
}

export async function runPg<Row>(
  db: PgQueryable,
  sql: string,
  params: readonly unknown[] = [],
  options?: QueryOptions,
): Promise<QueryResult<Row>> {
  const values = params.map(toPgValue);
  try {
    const result = options?.prepare
      ? await (db as pg.Pool).query({ name: preparedName(sql), text: sql, values })
      : await (db as pg.Pool).query(sql, values);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  } catch (error) {
    throw withPlaceholderHint(error, sql, values.length);
  }
}

/**
 * A `?` written as a placeholder (SQLite's, MySQL's) is a syntax error to PostgreSQL, which
 * then says only "syntax error at or near …". `?` is also a jsonb operator, so it cannot be
 * refused up front (the SQLite executor does refuse it); on a syntax error of a statement that
 * has parameters and a `?`, the message says what a `?` placeholder should be. Error path only.
 */
function withPlaceholderHint(error: unknown, sql: string, parameters: number): unknown {
  if (
    parameters > 0 &&
    error instanceof Error &&
    (error as { code?: unknown }).code === '42601' &&
    sql.includes('?')
  ) {
    const said = error.message;
    error.message = `${said} (if "?" is meant as a placeholder: placeholders are $1, $2 … on both backends)`;
    // The stack (what the worker records as lastError) repeats the message it was made with.
    if (error.stack) error.stack = error.stack.replace(said, error.message);
  }
  return error;
}

/** A SqlExecutor over a pg client (inside a transaction the caller opened) or the pool. */
export function postgresExecutor(db: PgQueryable): MigrationSession {
  return {
    dialect: 'postgres',
    native: db,
    query: <Row = Record<string, unknown>>(
      sql: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ) => runPg<Row>(db, sql, params, options),
    // No parameters: pg uses the simple protocol, which runs a script of several statements.
    exec: async (sql: string) => {
      await (db as pg.Pool).query(sql);
    },
  };
}
