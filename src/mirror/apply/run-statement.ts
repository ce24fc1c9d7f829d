import type { SqlExecutor } from '../../store/sql-executor.js';

interface SqliteStatementLike {
  run(...params: unknown[]): unknown;
}
interface SqliteLike {
  prepare(sql: string): SqliteStatementLike;
}

interface PreparedSqlite {
  statement: SqliteStatementLike;
  /** For each positional `?`, the index of the `$n` param it takes. */
  order: number[];
}
const sqliteStatements = new WeakMap<object, Map<string, PreparedSqlite>>();

function prepareSqlite(db: SqliteLike, sql: string): PreparedSqlite {
  let cache = sqliteStatements.get(db);
  if (!cache) {
    cache = new Map();
    sqliteStatements.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    const order: number[] = [];
    // The mirror's statements have no string literals containing `$`, so a plain rewrite is safe.
    const positional = sql.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1);
      return '?';
    });
    prepared = { statement: db.prepare(positional), order };
    cache.set(sql, prepared);
  }
  return prepared;
}

const sqliteValue = (v: unknown): unknown => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/**
 * Run one of the mirror's constant write statements prepared once per connection: on PostgreSQL a
 * named prepared statement (parsed and planned once instead of per event, `QueryOptions.prepare`),
 * on SQLite a better-sqlite3 statement cached on the transaction's own driver (`tx.native`) with
 * positional parameters, run without the executor's promise.
 */
export async function runStatement(
  tx: SqlExecutor,
  sql: string,
  params: readonly unknown[],
): Promise<void> {
  const native = tx.native as Partial<SqliteLike> | null | undefined;
  if (tx.dialect === 'sqlite' && typeof native?.prepare === 'function') {
    const { statement, order } = prepareSqlite(native as SqliteLike, sql);
    statement.run(...order.map((i) => sqliteValue(params[i])));
    return;
  }
  // PostgreSQL: a named prepared statement (QueryOptions.prepare).
  await tx.query(sql, params, { prepare: true });
}
