import { loadMigrations } from '../../src/store/load-migrations.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import type { MigrationSet, Store } from '../../src/store/types.js';

/** An extra migration set, as the mirror passes one: a table handlers write to. */
export const effectsSet: MigrationSet = {
  component: 'test-effects',
  sqlite: loadMigrations(new URL('./migrations-fixture/sqlite/', import.meta.url)),
  postgres: loadMigrations(new URL('./migrations-fixture/postgres/', import.meta.url)),
};

/** A handler's database effect, written through the transaction `complete` gives it. */
export function writeEffect(eventId: string, note: string) {
  return async (tx: SqlExecutor) => {
    await tx.query('INSERT INTO test_effects (event_id, note) VALUES ($1, $2)', [eventId, note]);
  };
}

export async function effects(store: Store): Promise<{ event_id: string; note: string }[]> {
  return store.read(async (db) => {
    const { rows } = await db.query<{ event_id: string; note: string }>(
      'SELECT event_id, note FROM test_effects ORDER BY event_id',
    );
    return rows;
  });
}

/**
 * Complete a claimed event with a handler that writes its effect ('slow'), then waits: resolves
 * once the handler runs (its transaction open); `finish()` lets it end.
 */
export async function holdCompleteOpen(
  store: Store,
  eventId: string,
  owner: string,
  now: Date,
): Promise<{ finish: () => void; completing: Promise<boolean> }> {
  let finish!: () => void;
  const mayFinish = new Promise<void>((resolve) => (finish = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const completing = store.complete(
    eventId,
    owner,
    async (tx) => {
      await writeEffect(eventId, 'slow')(tx);
      started();
      await mayFinish;
    },
    now,
  );
  await running;
  return { finish, completing };
}
