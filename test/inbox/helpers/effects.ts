import type { SqlExecutor } from '../../../src/store/sql-executor.js';
import type { MigrationSet } from '../../../src/store/types.js';
import type { HandlerContext } from '../../../src/worker/handler-source.js';

const createTable =
  'CREATE TABLE test_effects (event_id TEXT PRIMARY KEY, applied INTEGER NOT NULL)';

/** A table a handler writes through `ctx.tx`: one row per event id, `applied` counts applications. */
export const effectsMigrations: MigrationSet = {
  component: 'test_effects',
  sqlite: [{ version: 1, name: '0001-effects', sql: createTable }],
  postgres: [{ version: 1, name: '0001-effects', sql: createTable }],
};

/** Apply an event's effect inside its transaction; a second application shows as `applied = 2`. */
export async function recordEffect(ctx: HandlerContext): Promise<void> {
  await ctx.tx.query(
    'INSERT INTO test_effects (event_id, applied) VALUES ($1, 1) ' +
      'ON CONFLICT (event_id) DO UPDATE SET applied = test_effects.applied + 1',
    [ctx.eventId],
  );
}

export async function effectCounts(
  read: <T>(fn: (db: SqlExecutor) => Promise<T>) => Promise<T>,
): Promise<Map<string, number>> {
  const rows = await read((db) =>
    db.query<{ event_id: string; applied: number | string }>(
      'SELECT event_id, applied FROM test_effects',
    ),
  );
  return new Map(rows.rows.map((r) => [r.event_id, Number(r.applied)]));
}
