import type Database from 'better-sqlite3';
import type { QueryResult } from '../sql-executor.js';
import type { MigrationSession } from '../migration-runner.js';

const rewritten = new Map<string, string>();

/**
 * `$1` → `@p1` outside string literals, identifiers and comments: better-sqlite3 has no
 * numbered `$n` parameters, and named ones let `$1` appear several times.
 */
export function rewritePlaceholders(sql: string): string {
  const cached = rewritten.get(sql);
  if (cached !== undefined) return cached;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      out += `@p${sql.slice(i + 1, j)}`;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  if (rewritten.size < 1000) rewritten.set(sql, out);
  return out;
}

/** Convert a parameter to what SQLite stores (see SqlExecutor for the rules). */
export function toSqliteValue(value: unknown): unknown {
  if (value === undefined) {
    throw new TypeError('SQL parameter is undefined (use null for NULL)');
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

function bind(params: readonly unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  params.forEach((value, index) => {
    named[`p${index + 1}`] = toSqliteValue(value);
  });
  return named;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function prepare(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(rewritePlaceholders(sql));
    // Queries built from user input (IN lists of any length) must not grow the cache forever.
    if (cache.size < 500) cache.set(sql, statement);
  }
  return statement;
}

/** Synchronous query with `$n` placeholders: the building block of the SQLite store. */
export function runSqlite<Row>(
  db: Database.Database,
  sql: string,
  params: readonly unknown[] = [],
): QueryResult<Row> {
  const statement = prepare(db, sql);
  const args = params.length > 0 ? [bind(params)] : [];
  if (statement.reader) {
    const rows = statement.all(...args) as Row[];
    return { rows, rowCount: rows.length };
  }
  const info = statement.run(...args);
  return { rows: [], rowCount: info.changes };
}

/** A SqlExecutor over one better-sqlite3 connection (the caller owns the transaction). */
export function sqliteExecutor(db: Database.Database): MigrationSession {
  return {
    dialect: 'sqlite',
    native: db,
    query: <Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]) =>
      Promise.resolve().then(() => runSqlite<Row>(db, sql, params)),
    exec: (sql: string) => Promise.resolve().then(() => void db.exec(sql)),
  };
}
