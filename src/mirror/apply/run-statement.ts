import type Database from 'better-sqlite3';
import type { SqlExecutor } from '../../store/sql-executor.js';
import { runSqlite } from '../../store/sqlite/sqlite-executor.js';

/**
 * Run one of the mirror's constant write statements prepared once per connection: on PostgreSQL a
 * named prepared statement (parsed and planned once instead of per event, `QueryOptions.prepare`),
 * on SQLite the executor's own statement cache on the transaction's driver (`tx.native`), run
 * at once rather than behind the executor's promise.
 */
export async function runStatement(
  tx: SqlExecutor,
  sql: string,
  params: readonly unknown[],
): Promise<void> {
  if (tx.dialect === 'sqlite' && tx.native) {
    runSqlite(tx.native as Database.Database, sql, params);
    return;
  }
  // PostgreSQL: a named prepared statement (QueryOptions.prepare).
  await tx.query(sql, params, { prepare: true });
}
