import { runStatement } from '../mirror/apply/run-statement.js';
import type { SqlExecutor } from '../store/sql-executor.js';

const cache = new Map<string, string>();

/**
 * One of the mirror's single-row `INSERT … VALUES (…) ON CONFLICT …` statements, for `rows` rows:
 * the VALUES tuple repeated with its `$n` renumbered, the rest as it is. The same statement text
 * as the event path's, so the same rules apply, in one round trip per page instead of one per row.
 */
export function manyRowsSql(single: string, rows: number): string {
  const key = `${rows}\u0000${single}`;
  let sql = cache.get(key);
  if (sql === undefined) {
    const start = single.indexOf('VALUES (') + 'VALUES '.length;
    const end = single.lastIndexOf(' ON CONFLICT');
    const tuple = single.slice(start, end);
    const perRow = Math.max(...[...tuple.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const tuples = Array.from({ length: rows }, (_, r) =>
      tuple.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + r * perRow}`),
    );
    sql = `${single.slice(0, start)}${tuples.join(', ')}${single.slice(end)}`;
    cache.set(key, sql);
  }
  return sql;
}

/** Run `single` for every parameter row, 100 rows per statement. */
export async function runForRows(
  tx: SqlExecutor,
  single: string,
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    await runStatement(tx, manyRowsSql(single, chunk.length), chunk.flat());
  }
}
