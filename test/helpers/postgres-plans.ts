// The plans PostgreSQL makes for a statement: with its values (what `EXPLAIN` shows, a custom
// plan) and without them (the generic plan a prepared statement keeps once PostgreSQL finds it no
// costlier; `QueryOptions.prepare`). PostgreSQL 15 has no `EXPLAIN (GENERIC_PLAN)`, so the
// statement is prepared by SQL and explained with `plan_cache_mode = force_generic_plan`.
import type { QueryOptions, SqlExecutor } from '../../src/store/sql-executor.js';

/** A parameter as an SQL literal of unknown type (PostgreSQL gives it the parameter's type). */
function literal(value: unknown): string {
  if (value === null) return 'NULL';
  const text = Array.isArray(value)
    ? `{${value.map((v) => `"${String(v).replace(/(["\\])/g, '\\$1')}"`).join(',')}}`
    : value instanceof Date
      ? value.toISOString()
      : String(value);
  return `'${text.replace(/'/g, "''")}'`;
}

const text = (rows: Array<Record<string, string>>) => rows.map((r) => r['QUERY PLAN']).join('\n');

/** `[custom, generic]`: the plan for these values, then the plan for any values. */
export async function customAndGenericPlans(
  tx: SqlExecutor,
  sql: string,
  params: readonly unknown[],
): Promise<[string, string]> {
  const custom = text((await tx.query<Record<string, string>>(`EXPLAIN ${sql}`, params)).rows);
  await tx.query(`PREPARE workos_inbox_test_plan AS ${sql}`);
  try {
    await tx.query('SET LOCAL plan_cache_mode = force_generic_plan');
    const generic = text(
      (
        await tx.query<Record<string, string>>(
          `EXPLAIN EXECUTE workos_inbox_test_plan (${params.map(literal).join(', ')})`,
        )
      ).rows,
    );
    await tx.query('SET LOCAL plan_cache_mode TO DEFAULT');
    return [custom, generic];
  } finally {
    await tx.query('DEALLOCATE workos_inbox_test_plan');
  }
}

/**
 * `tx`, each statement explained (`customAndGenericPlans`) before it runs: `record` gets its text
 * and its two plans. `onlyPrepared`: only the statements run with `prepare` (the ones whose generic
 * plan PostgreSQL may keep); `run: false`: nothing runs, each statement answers no rows.
 */
export function explainingExecutor(
  tx: SqlExecutor,
  record: (sql: string, plans: [string, string]) => void,
  { onlyPrepared = false, run = true }: { onlyPrepared?: boolean; run?: boolean } = {},
): SqlExecutor {
  return {
    dialect: tx.dialect,
    native: tx.native,
    query: async <Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) => {
      if (!onlyPrepared || options?.prepare) {
        record(sql, await customAndGenericPlans(tx, sql, params));
      }
      if (!run) return { rows: [] as Row[], rowCount: 0 };
      return tx.query<Row>(sql, params, options);
    },
  };
}
