import type { QueryResult, SqlExecutor } from '../../store/sql-executor.js';

interface PgLike {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{
    rowCount: number | null;
    rows: unknown[];
  }>;
}

const names = new Map<string, string>();

/**
 * Run one of the mirror's constant statements. On PostgreSQL it goes through the driver as a
 * named prepared statement: parsed and planned once per connection instead of on every event,
 * which is most of the cost of a small upsert. Elsewhere it is a plain `tx.query`.
 */
export async function runStatement(
  tx: SqlExecutor,
  sql: string,
  params: readonly unknown[],
): Promise<QueryResult<Record<string, unknown>>> {
  const native = tx.native as Partial<PgLike> | null | undefined;
  if (tx.dialect !== 'postgres' || typeof native?.query !== 'function') {
    return tx.query(sql, params);
  }
  let name = names.get(sql);
  if (name === undefined) {
    name = `workos_mirror_${names.size + 1}`;
    names.set(sql, name);
  }
  const result = await (native as PgLike).query({ name, text: sql, values: [...params] });
  return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
}
