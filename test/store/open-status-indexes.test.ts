// Store migration 0006: the indexes led by `status` hold every status but `done`, so marking an
// event done (the worker's largest write per event) leaves them instead of adding to them. A list
// filtered by open statuses must still read one of them, not walk the done rows: the query says
// `status <> 'done'` in its own words, which is what lets either planner use a partial index.
import { describe, expect, it } from 'vitest';
import { listEvents } from '../../src/store/event-queries.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import type { ListOptions, Store } from '../../src/store/types.js';
import { at, newEvent, useBackends } from './backends.js';
import type { Backend, TestDb } from './backends.js';

const backends = useBackends();
const indexes = [
  'workos_inbox_events_open_status_received',
  'workos_inbox_events_open_status_event_received',
];

/** The SQL and parameters `listEvents` sends for `options`. */
async function listQuery(
  store: Store,
  options: ListOptions,
): Promise<{ sql: string; params: readonly unknown[] }> {
  let sent: { sql: string; params: readonly unknown[] } | undefined;
  await store.read(async (db) => {
    const recording: SqlExecutor = {
      ...db,
      query: (sql, params = []) => {
        sent = { sql, params };
        return db.query(sql, params);
      },
    };
    await listEvents(recording, options);
  });
  if (!sent) throw new Error('listEvents sent no query');
  return sent;
}

async function plan(backend: Backend, store: Store, options: ListOptions): Promise<string> {
  const { sql, params } = await listQuery(store, options);
  const explain = backend.name === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN';
  const { rows } = await store.read((db) =>
    db.query<Record<string, string>>(`${explain} ${sql}`, params),
  );
  return rows.map((row) => row.detail ?? row['QUERY PLAN']).join('\n');
}

/** 2,000 done events of two names, and a few open ones of each status. */
async function fill(b: Backend, db: TestDb, store: Store): Promise<void> {
  const names = ['dsync.user.created', 'dsync.group.created'];
  const events = Array.from({ length: 2_000 }, (_, i) =>
    newEvent({ id: `evt_done_${i}`, event: names[i % 2]!, receivedAt: at(i * 1000) }),
  );
  await Promise.all(events.map((e) => store.append(e)));
  await db.sql(`UPDATE workos_inbox_events SET status = 'done', next_attempt_at = NULL`);
  const open = ['pending', 'retrying', 'dead'].flatMap((status, s) =>
    names.map((event, n) =>
      newEvent({ id: `evt_${status}_${n}`, event, receivedAt: at((2_000 + s * 2 + n) * 1000) }),
    ),
  );
  await Promise.all(open.map((e) => store.append(e)));
  await db.sql(
    `UPDATE workos_inbox_events SET status = 'dead', next_attempt_at = NULL WHERE id LIKE 'evt_dead_%'`,
  );
  await db.sql(`UPDATE workos_inbox_events SET status = 'retrying' WHERE id LIKE 'evt_retrying_%'`);
  await db.sql(b.name === 'sqlite' ? 'ANALYZE' : 'ANALYZE workos_inbox_events');
}

describe.each(backends)('status-led indexes on $name (store migration 0006)', (b) => {
  it('hold the open statuses only', async () => {
    const db = b.fresh();
    const store = await db.open();
    await store.migrate();
    const definitions =
      b.name === 'sqlite'
        ? await db.sql<{ name: string; sql: string }>(
            `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE '%status%'`,
          )
        : await db.sql<{ name: string; sql: string }>(
            `SELECT indexname AS name, indexdef AS sql FROM pg_indexes
             WHERE schemaname = $1 AND indexname LIKE '%status%'`,
            [db.options.schema],
          );
    for (const name of indexes) {
      const definition = definitions.find((d) => d.name === name)?.sql ?? '';
      expect(definition, name).toMatch(/WHERE \(?status <> 'done'/);
    }
    // The two they replace are gone: a `done` row is in no index led by its status.
    expect(definitions.map((d) => d.name)).not.toContain('workos_inbox_events_status_received');
    expect(definitions.map((d) => d.name)).not.toContain(
      'workos_inbox_events_status_event_received',
    );
  });

  it('a list of open statuses reads them, not the done rows; a list of done events still finds every one', async () => {
    const db = b.fresh();
    const store = await db.open();
    await store.migrate();
    await fill(b, db, store);

    const byStatusAndName = await plan(b, store, {
      limit: 50,
      status: 'dead',
      event: 'dsync.group.created',
    });
    // Any index without the done rows will do (PostgreSQL's planner may pick the status-only one).
    expect(byStatusAndName).toMatch(
      /INDEX workos_inbox_events_open_status|using workos_inbox_events_open_status/i,
    );
    const byStatus = await plan(b, store, { limit: 50, status: 'retrying' });
    expect(byStatus).toMatch(
      /INDEX workos_inbox_events_open_status|using workos_inbox_events_open_status/i,
    );

    const dead = await store.list({ limit: 50, status: 'dead', event: 'dsync.group.created' });
    expect(dead.events.map((e) => e.id)).toEqual(['evt_dead_1']);
    const open = await store.list({ limit: 50, status: ['pending', 'retrying'], order: 'asc' });
    expect(open.events.map((e) => e.id)).toEqual([
      'evt_pending_0',
      'evt_pending_1',
      'evt_retrying_0',
      'evt_retrying_1',
    ]);
    // `done` is not in those indexes: its lists walk the received order and test the status.
    const done = await store.list({ limit: 1_000, status: 'done', event: 'dsync.user.created' });
    expect(done.events).toHaveLength(1_000);
    expect(done.events.every((e) => e.status === 'done' && e.event === 'dsync.user.created')).toBe(
      true,
    );
    const mixed = await store.list({ limit: 5, status: ['done', 'dead'] });
    expect(mixed.events.map((e) => e.id)).toEqual([
      'evt_dead_1',
      'evt_dead_0',
      'evt_done_1999',
      'evt_done_1998',
      'evt_done_1997',
    ]);
  });
});
