import { describe, expect, it } from 'vitest';
import { prunableSelect } from '../../src/store/prune-events.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import type { Store } from '../../src/store/types.js';
import { at, newEvent, t0, useBackends } from './backends.js';

const backends = useBackends();

/** Append, claim and finish events: `done` (handler ran) or `dead` (failed for good). */
async function processed(store: Store, receivedAt: Date, outcome: 'done' | 'dead', n = 1) {
  const events = Array.from({ length: n }, () => newEvent({ receivedAt }));
  for (const e of events) await store.append(e);
  const claimed = await store.claim({ owner: 'w', limit: n, leaseMs: 60_000, now: t0 });
  expect(claimed).toHaveLength(n);
  for (const e of claimed) {
    if (outcome === 'done') await store.complete(e.id, 'w', async () => {}, t0);
    else await store.fail(e.id, 'w', { error: 'boom', nextAttemptAt: null, now: t0 });
  }
  return events;
}

describe.each(backends)('prune on $name', (backend) => {
  it('empties the payload and attempts of old done events, keeps their id, name and times, and a redelivery stays a duplicate', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const old = await processed(store, at(-10 * 86_400_000), 'done', 5);
    const recent = await processed(store, at(-3_600_000), 'done');
    const dead = await processed(store, at(-10 * 86_400_000), 'dead');
    const pending = newEvent({ receivedAt: at(-10 * 86_400_000) });
    await store.append(pending);
    const before = await store.get(old[0]!.id);

    const now = at(1000);
    const result = await store.prune({
      receivedBefore: at(-86_400_000),
      now,
      batchSize: 2,
      budgetMs: 0,
    });
    // budgetMs 0: one statement of two events per transaction (2 + 2 + 1).
    expect(result).toMatchObject({ pruned: 5, transactions: 3 });

    for (const e of old) {
      const row = await store.get(e.id);
      expect(row).toMatchObject({
        id: e.id,
        event: e.event,
        createdAt: e.createdAt,
        receivedAt: e.receivedAt,
        status: 'done',
        processedAt: before!.processedAt,
        prunedAt: now,
        lastError: null,
      });
      expect(row!.rawBody.length).toBe(0);
      expect(await store.attempts(e.id)).toEqual([]);
      // The same id again is a duplicate: nothing is queued, no handler would run.
      expect(await store.append({ ...e, receivedAt: at(2000) })).toBe('duplicate');
    }
    const kept = await store.get(recent[0]!.id);
    expect(kept).toMatchObject({ prunedAt: null, rawBody: recent[0]!.rawBody });
    expect(await store.attempts(recent[0]!.id)).toHaveLength(1);
    expect(await store.get(dead[0]!.id)).toMatchObject({ status: 'dead', prunedAt: null });
    expect(await store.get(pending.id)).toMatchObject({ status: 'pending', prunedAt: null });
    expect((await store.stats(t0)).byStatus).toEqual({
      pending: 1,
      processing: 0,
      done: 6,
      retrying: 0,
      dead: 1,
    });
    expect(await store.claim({ owner: 'w2', limit: 10, leaseMs: 1000, now: at(3000) })).toEqual([
      expect.objectContaining({ id: pending.id }),
    ]);

    // Nothing left to prune: a second run is a no-op.
    expect((await store.prune({ receivedBefore: at(-86_400_000), now })).pruned).toBe(0);
  });

  it('prunes dead events only with includeDead, and a pruned event cannot be replayed or redriven', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const [dead] = await processed(store, at(-60_000), 'dead');
    const [done] = await processed(store, at(-60_000), 'done');
    expect((await store.prune({ receivedBefore: t0, now: t0 })).pruned).toBe(1);
    expect(await store.get(dead!.id)).toMatchObject({ status: 'dead', prunedAt: null });
    expect((await store.prune({ receivedBefore: t0, now: t0, includeDead: true })).pruned).toBe(1);
    expect(await store.get(dead!.id)).toMatchObject({ status: 'dead', prunedAt: t0 });

    // Its payload is gone: queueing it again would hand a handler an empty body.
    expect(await store.replay(done!.id, t0)).toBe(false);
    expect(await store.redrive({}, t0)).toBe(0);
    expect(await store.get(done!.id)).toMatchObject({ status: 'done' });
  });

  it('stops after maxEvents and the next call goes on, oldest first', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const first = await processed(store, at(-3000), 'done', 3);
    const second = await processed(store, at(-2000), 'done', 3);
    expect((await store.prune({ receivedBefore: t0, now: t0, maxEvents: 3 })).pruned).toBe(3);
    for (const e of first) expect((await store.get(e.id))!.prunedAt).toEqual(t0);
    for (const e of second) expect((await store.get(e.id))!.prunedAt).toBeNull();
    expect((await store.prune({ receivedBefore: t0, now: t0 })).pruned).toBe(3);
  });

  it('gives way to appends: an append made while a long prune runs commits before the prune ends', async () => {
    const db = backend.fresh();
    const store = await db.open();
    await store.migrate();
    const old = Array.from({ length: 1000 }, () => newEvent({ receivedAt: at(-60_000) }));
    await Promise.all(old.map((e) => store.append(e)));
    await db.sql(
      `UPDATE workos_inbox_events SET status = 'done', next_attempt_at = NULL, processed_at = received_at`,
    );
    let pruneEnded = false;
    // budgetMs 0: one statement of 5 events per transaction, 200 transactions.
    const pruning = store
      .prune({ receivedBefore: t0, now: t0, batchSize: 5, budgetMs: 0 })
      .then((result) => {
        pruneEnded = true;
        return result;
      });
    expect(await store.append(newEvent({ receivedAt: t0 }))).toBe('inserted');
    expect(pruneEnded).toBe(false);
    // 200 full transactions, then one that finds nothing left.
    expect(await pruning).toMatchObject({ pruned: 1000, transactions: 201 });
  });

  it('rejects options out of range with a code, changing nothing', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const [done] = await processed(store, at(-1000), 'done');
    await expect(store.prune({ receivedBefore: new Date('nope'), now: t0 })).rejects.toMatchObject({
      code: 'invalid_prune_options',
    });
    await expect(store.prune({ receivedBefore: t0, now: t0, batchSize: 0 })).rejects.toMatchObject({
      code: 'invalid_prune_options',
    });
    expect((await store.get(done!.id))!.prunedAt).toBeNull();
  });
});

describe('prune on SQLite gives the space back', () => {
  const sqlite = backends.find((b) => b.name === 'sqlite')!;

  it('a new database uses incremental auto-vacuum and the file shrinks after a prune', async () => {
    const db = sqlite.fresh();
    const store = await db.open();
    await store.migrate();
    const big = Buffer.alloc(20_000, 'x');
    const events = Array.from({ length: 100 }, () =>
      newEvent({ receivedAt: at(-60_000), rawBody: big }),
    );
    for (const e of events) await store.append(e);
    const claimed = await store.claim({ owner: 'w', limit: 100, leaseMs: 60_000, now: t0 });
    for (const e of claimed) await store.complete(e.id, 'w', async () => {}, t0);
    const pages = async () =>
      (await db.sql<{ page_count: number }>('PRAGMA page_count'))[0]!.page_count;
    expect((await db.sql<{ auto_vacuum: number }>('PRAGMA auto_vacuum'))[0]!.auto_vacuum).toBe(2);
    const before = await pages();

    const result = await store.prune({ receivedBefore: t0, now: t0 });
    expect(result.pruned).toBe(100);
    expect(result.vacuumedPages).toBeGreaterThan(0);
    // 100 × 20 KB of payload was most of the file.
    expect(await pages()).toBeLessThan(before / 4);
    expect(
      (await db.sql<{ freelist_count: number }>('PRAGMA freelist_count'))[0]!.freelist_count,
    ).toBe(0);
  });
});

describe('prune on SQLite reads only the rows left to prune', () => {
  const sqlite = backends.find((b) => b.name === 'sqlite')!;

  // Without the partial index SQLite's planner took (status, received_at, id) for status = 'done'
  // and walked past every id pruned before: 457 ms a batch, write lock held, at a million ids.
  it.each([
    ['done only', "'done'"],
    ['dead too', "'done', 'dead'"],
  ])('the batch query goes through the prunable index (%s)', async (_, statuses) => {
    const db = sqlite.fresh();
    const store = await db.open();
    await store.migrate();
    await store.close();
    const query = prunableSelect({ dialect: 'sqlite' } as SqlExecutor, statuses);
    const plan = await db.sql<{ detail: string }>(
      `EXPLAIN QUERY PLAN ${query.replace(/\$\d/g, '?')}`,
      [t0.toISOString(), 500],
    );
    expect(plan[0]!.detail).toMatch(/USING INDEX workos_inbox_events_prunable /);
  });
});

describe('PostgreSQL stats for metrics scrapes', () => {
  const postgres = backends.find((b) => b.name === 'postgres')!;

  it('counts the open statuses exactly and estimates done from the planner row count', async () => {
    const db = postgres.fresh();
    const store = await db.open();
    await store.migrate();
    await processed(store, at(-1000), 'done', 4);
    await processed(store, at(-1000), 'dead');
    await store.append(newEvent());
    // Never analyzed (reltuples = -1): counted.
    const fresh = await store.stats(t0, { estimateDone: true });
    expect(fresh.byStatus).toEqual({ pending: 1, processing: 0, done: 4, retrying: 0, dead: 1 });

    await db.sql('ANALYZE workos_inbox_events');
    await store.append(newEvent());
    // The open statuses move at once; done follows the estimate: 6 rows at ANALYZE, 3 open now.
    const estimated = await store.stats(t0, { estimateDone: true });
    expect(estimated.byStatus).toEqual({
      pending: 2,
      processing: 0,
      done: 3,
      retrying: 0,
      dead: 1,
    });
    expect((await store.stats(t0)).byStatus.done).toBe(4);
  });
});
