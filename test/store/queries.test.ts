import { describe, expect, it } from 'vitest';
import { listEventKeys } from '../../src/store/event-queries.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import type { Store, StoredEvent } from '../../src/store/types.js';
import { until } from '../helpers/until.js';
import { at, newEvent, t0, useBackends } from './backends.js';

const backends = useBackends();

async function collect(
  store: Store,
  options: Parameters<Store['list']>[0],
): Promise<StoredEvent[][]> {
  const pages: StoredEvent[][] = [];
  let after: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await store.list({ ...options, ...(after ? { after } : {}) });
    pages.push(page.events);
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  return pages;
}

describe.each(backends)('queries on $name', (backend) => {
  it('pages through events with a keyset cursor, newest first by default, oldest first on request', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    // Two events share each received_at, so the id must break ties for the cursor.
    const events = Array.from({ length: 25 }, (_, i) =>
      newEvent({
        id: `evt_${String(i).padStart(2, '0')}`,
        receivedAt: at(Math.floor(i / 2) * 1000),
      }),
    );
    await Promise.all(events.map((e) => store.append(e)));

    const desc = await collect(store, { limit: 10 });
    expect(desc.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(desc.flat().map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());

    const asc = await collect(store, { limit: 7, order: 'asc' });
    expect(asc.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    expect(asc.flat().map((e) => e.id)).toEqual(events.map((e) => e.id));

    const exact = await store.list({ limit: 25 });
    expect(exact.events).toHaveLength(25);
    expect(exact.nextCursor).toBeNull();
  });

  // What a redrive counts and windows by (the CLI's events redrive, the dashboard's redrive all):
  // the same events, pages and cursors as list, without the bodies.
  it('lists event keys page for page as list does, pruned ones marked', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const events = Array.from({ length: 25 }, (_, i) =>
      newEvent({
        id: `evt_${String(i).padStart(2, '0')}`,
        event: i % 3 === 0 ? 'dsync.group.created' : 'dsync.user.created',
        receivedAt: at(Math.floor(i / 2) * 1000),
      }),
    );
    await Promise.all(events.map((e) => store.append(e)));
    await store.writeTransaction((tx) =>
      tx.query(`UPDATE workos_inbox_events SET pruned_at = $1 WHERE id = 'evt_04'`, [at(99)]),
    );
    for (const options of [
      { limit: 10 },
      { limit: 7, order: 'asc' as const },
      { limit: 4, event: 'dsync.group.created', since: at(2000) },
    ]) {
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = { ...options, ...(after ? { after } : {}) };
        const listed = await store.list(page);
        const keys = await store.read((db) => listEventKeys(db, page));
        expect(keys).toEqual({
          keys: listed.events.map((e) => ({
            id: e.id,
            receivedAt: e.receivedAt,
            prunedAt: e.prunedAt,
          })),
          nextCursor: listed.nextCursor,
        });
        if (!listed.nextCursor) break;
        after = listed.nextCursor;
      }
    }
    expect(
      (await store.read((db) => listEventKeys(db, { limit: 25 }))).keys.find(
        (k) => k.id === 'evt_04',
      )?.prunedAt,
    ).toEqual(at(99));
  });

  it('reads several events by id in one call, leaving out unknown ones', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const events = [newEvent(), newEvent(), newEvent()];
    for (const e of events) await store.append(e);
    const [a, , c] = events.map((e) => e.id);
    const read = await store.getMany([c!, 'event_unknown', a!]);
    expect(read.map((e) => e.id).sort()).toEqual([a, c].sort());
    expect(read.find((e) => e.id === a)).toEqual(await store.get(a!));
    expect(await store.getMany([])).toEqual([]);
  });

  it('filters by status, event name, since and source', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const a = newEvent({ event: 'dsync.user.created', receivedAt: at(-3000), source: 'webhook' });
    const b = newEvent({ event: 'dsync.group.created', receivedAt: at(-2000), source: 'api' });
    const c = newEvent({ event: 'dsync.user.created', receivedAt: at(-1000), source: 'replay' });
    for (const e of [a, b, c]) await store.append(e);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    await store.fail(a.id, 'w', { error: 'x', nextAttemptAt: null, now: t0 });

    const ids = async (options: Parameters<Store['list']>[0]) =>
      (await store.list(options)).events.map((e) => e.id);
    expect(await ids({ limit: 10, status: 'dead' })).toEqual([a.id]);
    expect(await ids({ limit: 10, status: ['pending', 'dead'], order: 'asc' })).toEqual([
      a.id,
      b.id,
      c.id,
    ]);
    expect(await ids({ limit: 10, status: [] })).toEqual([]);
    expect(await ids({ limit: 10, event: 'dsync.user.created' })).toEqual([c.id, a.id]);
    expect(await ids({ limit: 10, since: at(-2000) })).toEqual([c.id, b.id]);
    expect(await ids({ limit: 10, source: 'api' })).toEqual([b.id]);
    expect(await ids({ limit: 10, event: 'dsync.user.created', status: 'pending' })).toEqual([
      c.id,
    ]);
  });

  it('rejects a cursor it did not issue and an unknown status with clear errors', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await expect(store.list({ limit: 10, after: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
    await expect(
      store.list({ limit: 10, status: 'finished' as unknown as 'done' }),
    ).rejects.toMatchObject({
      code: 'invalid_filter',
      message: expect.stringContaining('finished'),
    });
  });

  it('counts events by status and reports how long the oldest due event has waited', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    expect(await store.stats(t0)).toEqual({
      byStatus: { pending: 0, processing: 0, done: 0, retrying: 0, dead: 0 },
      oldestPendingAgeMs: null,
    });
    const events = [at(-5000), at(-4000), at(-3000), at(10_000)].map((receivedAt) =>
      newEvent({ receivedAt }),
    );
    for (const e of events) await store.append(e);
    const [first] = await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    await store.complete(first!.id, 'w', async () => {}, t0);
    expect(await store.stats(t0)).toEqual({
      byStatus: { pending: 3, processing: 0, done: 1, retrying: 0, dead: 0 },
      oldestPendingAgeMs: 4000,
    });

    // Every transition moves the counts: claim, fail to retrying and to dead, release, replay,
    // redrive, and a duplicate append changes nothing.
    await store.append({ ...events[1]! });
    const [second, third] = await store.claim({ owner: 'w', limit: 2, leaseMs: 1000, now: t0 });
    expect((await store.stats(t0)).byStatus).toEqual({
      pending: 1,
      processing: 2,
      done: 1,
      retrying: 0,
      dead: 0,
    });
    await store.fail(second!.id, 'w', { error: 'x', nextAttemptAt: at(60_000), now: t0 });
    await store.fail(third!.id, 'w', { error: 'x', nextAttemptAt: null, now: t0 });
    const stats = await store.stats(t0);
    expect(stats.byStatus).toEqual({ pending: 1, processing: 0, done: 1, retrying: 1, dead: 1 });
    // Only the future event is pending and it is not due yet; the retry is not due either.
    expect(stats.oldestPendingAgeMs).toBeNull();
    expect((await store.stats(at(70_000))).oldestPendingAgeMs).toBe(60_000);
    await store.redrive({}, t0);
    await store.replay(first!.id, t0);
    const [again] = await store.claim({ owner: 'v', limit: 1, leaseMs: 1000, now: t0 });
    expect(again).toBeDefined();
    await store.releaseLeases('v', t0);
    expect((await store.stats(t0)).byStatus).toEqual({
      pending: 3,
      processing: 0,
      done: 0,
      retrying: 1,
      dead: 0,
    });
  });

  it('replays one event due now with attempts reset, but not one being processed', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const done = newEvent({ receivedAt: at(-2) });
    const busy = newEvent({ receivedAt: at(-1) });
    await store.append(done);
    await store.append(busy);
    await store.claim({ owner: 'w', limit: 2, leaseMs: 60_000, now: t0 });
    await store.complete(done.id, 'w', async () => {}, t0);

    let wakes = 0;
    store.onWake(() => wakes++);
    expect(await store.replay(done.id, at(500))).toBe(true);
    expect(await store.get(done.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at(500),
      processedAt: null,
    });
    expect(wakes).toBeGreaterThanOrEqual(1);
    expect(await store.replay(busy.id, at(500))).toBe(false);
    expect(await store.replay('unknown', at(500))).toBe(false);
    const [again] = await store.claim({ owner: 'w2', limit: 5, leaseMs: 1000, now: at(500) });
    expect(again).toMatchObject({ id: done.id, attempts: 1 });
  });

  it('writeTransaction with wakeIf wakes the listeners once it commits, if wakeIf says so', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    let wakes = 0;
    store.onWake(() => wakes++);
    if (backend.name === 'postgres') {
      // The LISTEN connection wakes once when it connects: spent before counting.
      await until(() => wakes > 0, 'the LISTEN connection');
      wakes = 0;
    }
    const seen: number[] = [];
    const wakeIf = (n: number) => (seen.push(n), n > 0);
    const count = (tx: SqlExecutor) =>
      tx.query<{ n: number | string }>('SELECT 0 AS n').then(({ rows }) => Number(rows[0]!.n));
    expect(await store.writeTransaction(count, { wakeIf })).toBe(0);
    await expect(
      store.writeTransaction(
        async () => {
          throw new Error('rolled back');
        },
        { wakeIf: () => true },
      ),
    ).rejects.toThrow('rolled back');
    expect(wakes).toBe(0);
    expect(await store.writeTransaction(async (tx) => (await count(tx)) + 2, { wakeIf })).toBe(2);
    // This process's listeners at once (on PostgreSQL the NOTIFY also comes back later).
    expect(wakes).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual([0, 2]);
  });

  it('redrives dead events (the default) or those matching a filter', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const deadUser = newEvent({ event: 'dsync.user.created', receivedAt: at(-3) });
    const deadGroup = newEvent({ event: 'dsync.group.created', receivedAt: at(-2) });
    const pending = newEvent({ receivedAt: at(60_000) });
    for (const e of [deadUser, deadGroup, pending]) await store.append(e);
    for (const e of await store.claim({ owner: 'w', limit: 2, leaseMs: 1000, now: t0 })) {
      await store.fail(e.id, 'w', { error: 'bad', nextAttemptAt: null, now: t0 });
    }
    expect(await store.redrive({ event: 'dsync.group.created' }, at(1))).toBe(1);
    expect((await store.get(deadGroup.id))?.status).toBe('pending');
    expect((await store.get(deadUser.id))?.status).toBe('dead');
    expect(await store.redrive({}, at(2))).toBe(1);
    expect(await store.get(deadUser.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at(2),
    });
    expect((await store.get(pending.id))?.nextAttemptAt).toEqual(at(60_000));
    expect(await store.redrive({}, at(3))).toBe(0);
  });

  it('runs read(fn) in a read transaction and refuses writes through it', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await store.append(newEvent());
    const count = await store.read(async (db) => {
      const { rows } = await db.query<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM workos_inbox_events WHERE status = $1',
        ['pending'],
      );
      return Number(rows[0]?.n);
    });
    expect(count).toBe(1);
    await expect(
      store.read((db) => db.query("UPDATE workos_inbox_events SET status = 'dead'")),
    ).rejects.toThrow();
    expect((await store.stats(t0)).byStatus.dead).toBe(0);
  });
});
