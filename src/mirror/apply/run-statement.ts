import type { SqlExecutor } from '../../store/sql-executor.js';

interface PgLike {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}
interface SqliteStatementLike {
  run(...params: unknown[]): unknown;
}
interface SqliteLike {
  prepare(sql: string): SqliteStatementLike;
}

const pgNames = new Map<string, string>();

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
 * Run one of the mirror's constant write statements through the driver the transaction belongs
 * to (`tx.native`), prepared once per connection: on PostgreSQL a named prepared statement
 * (parsed and planned once instead of per event), on SQLite a cached better-sqlite3 statement
 * with positional parameters. Any other executor gets a plain `tx.query`.
 */
export async function runStatement(
  tx: SqlExecutor,
  sql: string,
  params: readonly unknown[],
): Promise<void> {
  const native = tx.native as Partial<PgLike & SqliteLike> | null | undefined;
  if (tx.dialect === 'postgres' && typeof native?.query === 'function') {
    let name = pgNames.get(sql);
    if (name === undefined) {
      name = `workos_mirror_${pgNames.size + 1}`;
      pgNames.set(sql, name);
    }
    await (native as PgLike).query({ name, text: sql, values: [...params] });
    return;
  }
  if (tx.dialect === 'sqlite' && typeof native?.prepare === 'function') {
    const { statement, order } = prepareSqlite(native as SqliteLike, sql);
    statement.run(...order.map((i) => sqliteValue(params[i])));
    return;
  }
  await tx.query(sql, params);
}
