// The deliveries tables on both backends: queued by the append's own transaction, claimed,
// retried, paused, ordered and redriven.
import { describe, expect, it } from 'vitest';
import {
  claimDeliveries,
  finishDeliveries,
  pauseDestination,
  releaseDeliveries,
  removeDestination,
  resumeDestination,
  syncDestinations,
} from '../../src/forward/delivery-operations.js';
import {
  deliveryStats,
  eventDeliveries,
  listDeliveries,
  readDestinations,
  redriveDeliveries,
} from '../../src/forward/delivery-queries.js';
import { explainingExecutor } from '../helpers/postgres-plans.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import type { Store } from '../../src/store/types.js';
import { at, newEvent, useBackends } from '../store/backends.js';

const backends = useBackends();

function body(id: string, event: string, objectId: string, createdAt: string): Buffer {
  return Buffer.from(JSON.stringify({ id, event, created_at: createdAt, data: { id: objectId } }));
}

async function sync(store: Store, list: { name: string; events: string[]; ordered?: boolean }[]) {
  await store.writeTransaction((tx) =>
    syncDestinations(
      tx,
      list.map((d) => ({ ...d, ordered: d.ordered ?? false })),
    ),
  );
}

const claim = (store: Store, destination: string, now: Date, ordered = false, limit = 10) =>
  store.writeTransaction((tx) =>
    claimDeliveries(tx, { destination, owner: 'w1', limit, leaseMs: 30_000, now, ordered }),
  );

/**
 * A store with destination `a` and one event received ten days ago, already done by the
 * handlers, its delivery to `a` still pending: what retention has to decide about.
 */
async function handledTenDaysAgo(backend: (typeof backends)[number]) {
  const store = await backend.fresh().open();
  await store.migrate();
  await sync(store, [{ name: 'a', events: ['*'] }]);
  const e = newEvent({ receivedAt: at(-10 * 86_400_000) });
  await store.append(e);
  const [handled] = await store.claim({ owner: 'h', limit: 1, leaseMs: 60_000, now: at(0) });
  await store.complete(handled!.id, 'h', async () => {}, at(0));
  return { store, e };
}

/** The attempt `w1` holds on (event, destination) ended delivered (204). */
function markDelivered(tx: SqlExecutor, eventId: string, destination: string, now: Date) {
  return finishDeliveries(tx, 'w1', [
    {
      eventId,
      destination,
      outcome: 'delivered',
      nextAttemptAt: null,
      statusCode: 204,
      error: null,
      now,
    },
  ]);
}

describe.each(backends)('deliveries on $name', (backend) => {
  it('an append queues one delivery per matching destination, in its own transaction', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [
      { name: 'all', events: ['*'] },
      { name: 'dsync', events: ['dsync.*'] },
      { name: 'users', events: ['user.created', 'dsync.user_created'] },
    ]);
    const dsync = newEvent({ event: 'dsync.user.created' });
    const other = newEvent({ event: 'user.created' });
    // `_` is a literal, not a one-character wildcard.
    const lookalike = newEvent({ event: 'dsync.userXcreated' });
    expect(await store.append(dsync)).toBe('inserted');
    expect(await store.append(other)).toBe('inserted');
    expect(await store.append(lookalike)).toBe('inserted');
    expect(await store.append(dsync)).toBe('duplicate');
    const names = async (id: string) =>
      (await store.read((db) => eventDeliveries(db, id))).map((d) => d.destination);
    expect(await names(dsync.id)).toEqual(['all', 'dsync']);
    expect(await names(other.id)).toEqual(['all', 'users']);
    expect(await names(lookalike.id)).toEqual(['all', 'dsync']);
    const [first] = await store.read((db) => eventDeliveries(db, dsync.id));
    expect(first).toMatchObject({ status: 'pending', attempts: 0, queuedAt: dsync.receivedAt });
  });

  it('without destinations an append queues nothing; a dropped destination gets no new ones', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const before = newEvent();
    await store.append(before);
    await sync(store, [{ name: 'a', events: ['*'] }]);
    const during = newEvent();
    await store.append(during);
    await sync(store, []);
    const after = newEvent();
    await store.append(after);
    const page = await store.read((db) => listDeliveries(db, { limit: 10 }));
    expect(page.deliveries.map((d) => d.eventId)).toEqual([during.id]);
    expect(await store.read(readDestinations)).toEqual([]);
  });

  it('claim, retry with a due time, dead, and redrive', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [{ name: 'a', events: ['*'] }]);
    const e = newEvent();
    await store.append(e);
    const [claimed] = await claim(store, 'a', at(0));
    expect(claimed).toMatchObject({ eventId: e.id, destination: 'a', attempts: 1 });
    const [leased] = await store.read((db) => eventDeliveries(db, e.id));
    expect(leased).toMatchObject({
      status: 'delivering',
      leaseOwner: 'w1',
      nextAttemptAt: at(30_000),
    });
    expect(claimed!.rawBody.equals(Buffer.from(e.rawBody))).toBe(true);
    expect(await claim(store, 'a', at(1))).toEqual([]);
    const fail = (outcome: 'retrying' | 'dead', now: Date, next: Date | null) =>
      store.writeTransaction((tx) =>
        finishDeliveries(tx, 'w1', [
          {
            eventId: e.id,
            destination: 'a',
            outcome,
            nextAttemptAt: next,
            statusCode: 500,
            error: 'answered 500',
            now,
          },
        ]),
      );
    expect(await fail('retrying', at(2), at(10_000))).toBe(1);
    expect(await claim(store, 'a', at(9_999))).toEqual([]);
    expect(await claim(store, 'a', at(10_000))).toHaveLength(1);
    expect(await fail('dead', at(10_001), null)).toBe(1);
    expect(await claim(store, 'a', at(99_999_999))).toEqual([]);
    const [dead] = await store.read((db) => eventDeliveries(db, e.id));
    expect(dead).toMatchObject({ status: 'dead', attempts: 2, lastStatusCode: 500 });
    expect(dead!.attemptLog.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retrying', 500],
      [2, 'dead', 500],
    ]);
    expect(
      await store.writeTransaction((tx) => redriveDeliveries(tx, { destination: 'a' }, at(20_000))),
    ).toBe(1);
    expect(await claim(store, 'a', at(20_000))).toMatchObject([{ attempts: 1 }]);
  });

  it('an expired lease makes a delivery due again; release gives it back uncounted', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [{ name: 'a', events: ['*'] }]);
    const e = newEvent();
    await store.append(e);
    await claim(store, 'a', at(0));
    expect(await claim(store, 'a', at(29_999))).toEqual([]);
    const [again] = await claim(store, 'a', at(30_000));
    expect(again).toMatchObject({ attempts: 2 });
    // Another destination's deliveries (and another owner's) are not this release's.
    expect(
      await store.writeTransaction((tx) =>
        releaseDeliveries(tx, 'w1', at(30_001), { destinations: ['b'] }),
      ),
    ).toBe(0);
    expect(
      await store.writeTransaction((tx) =>
        releaseDeliveries(tx, 'w2', at(30_001), { destinations: ['a'] }),
      ),
    ).toBe(0);
    expect(
      await store.writeTransaction((tx) =>
        releaseDeliveries(tx, 'w1', at(30_001), { destinations: ['a', 'b'] }),
      ),
    ).toBe(1);
    const [d] = await store.read((db) => eventDeliveries(db, e.id));
    expect(d).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(d!.attemptLog.map((a) => a.outcome)).toEqual(['lease_lost', 'released']);
  });

  it('a paused destination yields nothing until resumed; others are unaffected', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'b', events: ['*'] },
    ]);
    await store.append(newEvent());
    expect(
      await store.writeTransaction((tx) => pauseDestination(tx, 'a', 'answered 410', at(0))),
    ).toBe(true);
    // Restarting with the same configuration keeps the pause.
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'b', events: ['*'] },
    ]);
    expect(await claim(store, 'a', at(1))).toEqual([]);
    expect(await claim(store, 'b', at(1))).toHaveLength(1);
    expect((await store.read(readDestinations)).map((d) => [d.name, d.pausedReason])).toEqual([
      ['a', 'answered 410'],
      ['b', null],
    ]);
    expect(await store.writeTransaction((tx) => resumeDestination(tx, 'a', at(2)))).toBe(true);
    expect(await claim(store, 'a', at(2))).toHaveLength(1);
  });

  it('retention keeps the payload of an event whose delivery is unfinished, and pruning queues no delivery again', async () => {
    const { store, e } = await handledTenDaysAgo(backend);
    const prune = () => store.prune({ receivedBefore: at(-86_400_000), now: at(1) });

    // Done by the handlers, but its delivery still has to send these bytes: not pruned.
    expect((await prune()).pruned).toBe(0);
    const [delivering] = await claim(store, 'a', at(2));
    expect(delivering!.rawBody.equals(Buffer.from(e.rawBody))).toBe(true);
    await store.writeTransaction((tx) => markDelivered(tx, e.id, 'a', at(3)));

    // Delivered: now it is pruned, and the slim row it keeps queues no new delivery.
    expect((await prune()).pruned).toBe(1);
    expect(await store.get(e.id)).toMatchObject({ prunedAt: at(1) });
    const left = await store.read((db) => eventDeliveries(db, e.id));
    expect(left.filter((d) => d.status !== 'delivered')).toEqual([]);
    expect(await claim(store, 'a', at(99_999_999))).toEqual([]);
  });

  it('a delivered delivery is sent again when named by event and destination, its attempts kept, unless its event was pruned', async () => {
    const { store, e } = await handledTenDaysAgo(backend);
    const deliver = async (now: Date) => {
      const [claimed] = await claim(store, 'a', now);
      expect(claimed!.rawBody.equals(Buffer.from(e.rawBody))).toBe(true);
      await store.writeTransaction((tx) => markDelivered(tx, e.id, 'a', now));
    };
    await deliver(at(1));
    const again = () =>
      store.writeTransaction((tx) =>
        redriveDeliveries(tx, { status: 'delivered', eventId: e.id, destination: 'a' }, at(10)),
      );
    expect(await again()).toBe(1);
    const [queued] = await store.read((db) => eventDeliveries(db, e.id));
    expect(queued).toMatchObject({ status: 'pending', attempts: 0, deliveredAt: null });
    expect(queued!.attemptLog.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'delivered', 204],
    ]);
    // Pending again, it holds its payload against retention, and is sent byte for byte.
    expect((await store.prune({ receivedBefore: at(-86_400_000), now: at(11) })).pruned).toBe(0);
    await deliver(at(12));
    const [sent] = await store.read((db) => eventDeliveries(db, e.id));
    expect(sent!.attemptLog.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'delivered'],
      [1, 'delivered'],
    ]);
    // Pruned: nothing left to send, said so, nothing queued.
    expect((await store.prune({ receivedBefore: at(-86_400_000), now: at(13) })).pruned).toBe(1);
    await expect(again()).rejects.toMatchObject({
      code: 'event_pruned',
      message: expect.stringContaining('its payload is gone'),
    });
    expect(await claim(store, 'a', at(99_999_999))).toEqual([]);
  });

  it('a removed destination queues nothing more, keeps its deliveries listed, and no longer holds payloads from retention', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'gone', events: ['dsync.*'] },
    ]);
    const old = newEvent({ receivedAt: at(-10 * 86_400_000) });
    await store.append(old);
    const [handled] = await store.claim({ owner: 'h', limit: 1, leaseMs: 60_000, now: at(0) });
    await store.complete(handled!.id, 'h', async () => {}, at(0));
    const [forA] = await claim(store, 'a', at(1));
    await store.writeTransaction((tx) => markDelivered(tx, forA!.eventId, 'a', at(2)));
    const prune = () => store.prune({ receivedBefore: at(-86_400_000), now: at(3) });
    // `gone`'s delivery is still pending: the payload stays while gone is configured.
    expect((await prune()).pruned).toBe(0);

    expect(await store.writeTransaction((tx) => removeDestination(tx, 'gone'))).toBe(true);
    // Idempotent: removed already.
    expect(await store.writeTransaction((tx) => removeDestination(tx, 'gone'))).toBe(false);
    expect((await store.read(readDestinations)).map((d) => d.name)).toEqual(['a']);
    // A new event queues a delivery for a only; the old one is still listed for gone.
    const later = newEvent();
    await store.append(later);
    expect(
      (await store.read((db) => eventDeliveries(db, later.id))).map((d) => d.destination),
    ).toEqual(['a']);
    expect(
      (await store.read((db) => eventDeliveries(db, old.id))).map((d) => [d.destination, d.status]),
    ).toEqual([
      ['a', 'delivered'],
      ['gone', 'pending'],
    ]);

    // Retention prunes the old event now, and its unfinished delivery to gone with it: were gone
    // configured again, it would never be sent the pruned (empty) payload.
    expect((await prune()).pruned).toBe(1);
    expect(await store.get(old.id)).toMatchObject({ prunedAt: at(3) });
    expect(
      (await store.read((db) => eventDeliveries(db, old.id))).filter(
        (d) => d.status !== 'delivered',
      ),
    ).toEqual([]);
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'gone', events: ['dsync.*'] },
    ]);
    expect(await claim(store, 'gone', at(99_999_999))).toEqual([]);
  });

  it('a destination dropped from the configuration no longer holds payloads from retention', async () => {
    const { store } = await handledTenDaysAgo(backend);
    await sync(store, [{ name: 'b', events: ['*'] }]);
    expect((await store.prune({ receivedBefore: at(-86_400_000), now: at(1) })).pruned).toBe(1);
  });

  it('ordered: one object at a time, in created_at order, held back while an earlier one retries', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [{ name: 'o', events: ['*'], ordered: true }]);
    const mk = (n: number, object: string, createdAt: string) => {
      const id = `event_ord_${n}`;
      return newEvent({
        id,
        event: 'dsync.user.updated',
        createdAt,
        rawBody: body(id, 'dsync.user.updated', object, createdAt),
      });
    };
    // Received out of created_at order: u1's second change arrives first.
    const u1b = mk(2, 'directory_user_1', '2026-01-02T00:00:02.000Z');
    const u1a = mk(1, 'directory_user_1', '2026-01-02T00:00:01.000Z');
    const u2 = mk(3, 'directory_user_2', '2026-01-02T00:00:03.000Z');
    for (const e of [u1b, u1a, u2]) await store.append(e);
    const first = await claim(store, 'o', at(0), true);
    expect(first.map((d) => d.eventId).sort()).toEqual([u1a.id, u2.id]);
    const finish = (id: string, outcome: 'retrying' | 'delivered', now: Date, next: Date | null) =>
      store.writeTransaction((tx) =>
        finishDeliveries(tx, 'w1', [
          {
            eventId: id,
            destination: 'o',
            outcome,
            nextAttemptAt: next,
            statusCode: 503,
            error: null,
            now,
          },
        ]),
      );
    await finish(u1a.id, 'retrying', at(1), at(5_000));
    await finish(u2.id, 'delivered', at(1), null);
    // u1's later change waits for the earlier one's retry.
    expect(await claim(store, 'o', at(4_000), true)).toEqual([]);
    expect((await claim(store, 'o', at(5_000), true)).map((d) => d.eventId)).toEqual([u1a.id]);
    await finish(u1a.id, 'delivered', at(5_001), null);
    expect((await claim(store, 'o', at(5_002), true)).map((d) => d.eventId)).toEqual([u1b.id]);
  });

  it('lists newest first, page by page, whatever the filter (a status across destinations merged)', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'b', events: ['*'] },
      { name: 'c', events: ['dsync.group.*'] },
    ]);
    // Received at four times, three events at each (ties ordered by event id, then destination).
    for (let i = 0; i < 12; i++) {
      await store.append(
        newEvent({
          event: i % 3 === 0 ? 'dsync.group.created' : 'dsync.user.created',
          receivedAt: at(Math.floor(i / 3) * 1000),
        }),
      );
    }
    const dead = async (destination: string, n: number) => {
      const claimed = await claim(store, destination, at(10_000), false, n);
      await store.writeTransaction((tx) =>
        finishDeliveries(
          tx,
          'w1',
          claimed.map((d) => ({
            eventId: d.eventId,
            destination,
            outcome: 'dead' as const,
            nextAttemptAt: null,
            statusCode: 500,
            error: 'answered 500',
            now: at(10_001),
          })),
        ),
      );
    };
    await dead('a', 5);
    await dead('b', 2);
    await dead('c', 1);
    const all = (await store.read((db) => listDeliveries(db, { limit: 1000 }))).deliveries;
    expect(all).toHaveLength(28);
    const key = (d: { eventId: string; destination: string }) => `${d.eventId}/${d.destination}`;
    for (let k = 1; k < all.length; k++) {
      expect(all[k - 1]!.queuedAt.getTime()).toBeGreaterThanOrEqual(all[k]!.queuedAt.getTime());
    }
    const filters = [
      {},
      { status: 'dead' as const },
      { status: 'pending' as const },
      { destination: 'a' },
      { destination: 'b', status: 'dead' as const },
    ];
    for (const filter of filters) {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.read((db) =>
          listDeliveries(db, { ...filter, limit: 3, ...(after ? { after } : {}) }),
        );
        expect(page.deliveries.length).toBeLessThanOrEqual(3);
        seen.push(...page.deliveries.map(key));
        after = page.nextCursor ?? undefined;
      } while (after);
      const wanted = all.filter(
        (d) =>
          (filter.status === undefined || d.status === filter.status) &&
          (filter.destination === undefined || d.destination === filter.destination),
      );
      expect(seen, JSON.stringify(filter)).toEqual(wanted.map(key));
    }
    expect(
      (await store.read((db) => listDeliveries(db, { status: 'dead', limit: 1000 }))).deliveries,
    ).toHaveLength(8);
  });

  it('stats and a redrive without a destination count every destination with deliveries, configured or dropped', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'b', events: ['*'] },
      { name: 'c', events: ['*'] },
    ]);
    const events = [newEvent(), newEvent(), newEvent()];
    for (const e of events) await store.append(e);
    const finish = (destination: string, eventId: string, outcome: 'delivered' | 'dead') =>
      store.writeTransaction((tx) =>
        finishDeliveries(tx, 'w1', [
          {
            eventId,
            destination,
            outcome,
            nextAttemptAt: null,
            statusCode: 500,
            error: null,
            now: at(2),
          },
        ]),
      );
    const a = await claim(store, 'a', at(1));
    await finish('a', a[0]!.eventId, 'delivered');
    await finish('a', a[1]!.eventId, 'dead');
    const b = await claim(store, 'b', at(1), false, 1);
    await finish('b', b[0]!.eventId, 'dead');
    // c is dropped from the configuration: its deliveries stay, counted and redrivable.
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'b', events: ['*'] },
      { name: 'z', events: ['*'] },
    ]);
    const stats = await store.read((db) => deliveryStats(db, at(10), ['z']));
    expect(stats.map((s) => [s.destination, s.byStatus])).toEqual([
      ['a', { pending: 0, delivering: 1, retrying: 0, dead: 1 }],
      ['b', { pending: 2, delivering: 0, retrying: 0, dead: 1 }],
      ['c', { pending: 3, delivering: 0, retrying: 0, dead: 0 }],
      ['z', { pending: 0, delivering: 0, retrying: 0, dead: 0 }],
    ]);
    expect(stats.find((s) => s.destination === 'a')!.oldestPendingAgeMs).toBeNull();
    expect(stats.find((s) => s.destination === 'c')!.oldestPendingAgeMs).toBeGreaterThan(0);
    expect(await store.writeTransaction((tx) => redriveDeliveries(tx, {}, at(20)))).toBe(2);
    const after = await store.read((db) => deliveryStats(db, at(30)));
    expect(after.map((s) => [s.destination, s.byStatus.pending, s.byStatus.dead])).toEqual([
      ['a', 1, 0],
      ['b', 3, 0],
      ['c', 3, 0],
    ]);
  });
});

/** Run `fn` in a write transaction; SQLite's plan of each statement it ran, in order. */
async function plansOf<T>(store: Store, fn: (tx: SqlExecutor) => Promise<T>) {
  const statements: { sql: string; params: readonly unknown[] }[] = [];
  const value = await store.writeTransaction((tx) =>
    fn(
      new Proxy(tx, {
        get(t, k, r) {
          if (k !== 'query') return Reflect.get(t, k, r) as unknown;
          return (sql: string, params: readonly unknown[] = []) => {
            statements.push({ sql, params });
            return t.query(sql, params);
          };
        },
      }),
    ),
  );
  const plans = await store.read(async (db) => {
    const out: string[] = [];
    for (const { sql, params } of statements) {
      const { rows } = await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
      out.push(rows.map((r) => r.detail).join('; '));
    }
    return out;
  });
  return { value, plans, statements };
}

describe('recording outcomes on SQLite', () => {
  const sqlite = backends.find((b) => b.name === 'sqlite')!;

  const outcome = (eventId: string, now: Date) => ({
    eventId,
    destination: 'a',
    outcome: 'delivered' as const,
    nextAttemptAt: null,
    statusCode: 200,
    error: null,
    now,
  });

  it('finds each delivery by its key, whatever the batch size', async () => {
    const store = await sqlite.fresh().open();
    await store.migrate();
    await sync(store, [{ name: 'a', events: ['*'] }]);
    // A log of finished attempts (the table a long-running inbox has), then 256 in flight.
    for (let i = 0; i < 610; i++) await store.append(newEvent());
    const first = await claim(store, 'a', at(1_000), false, 344);
    const done = await store.writeTransaction((tx) =>
      finishDeliveries(
        tx,
        'w1',
        first.map((d) => outcome(d.eventId, at(1_001))),
      ),
    );
    expect(done).toBe(344);
    const inFlight = await claim(store, 'a', at(2_000), false, 256);
    expect(inFlight).toHaveLength(256);
    const { value: recorded, plans } = await plansOf(store, (tx) =>
      finishDeliveries(
        tx,
        'w1',
        inFlight.map((d) => outcome(d.eventId, at(2_001))),
      ),
    );
    expect(recorded).toBe(256);
    // One statement: the outcome ends the attempt the delivery's row holds (no attempt-log row).
    expect(plans).toHaveLength(1);
    // Not the in-flight deliveries (status index) for each outcome, nor an automatic index.
    expect(plans[0]).toContain('SEARCH d USING INDEX sqlite_autoindex_workos_inbox_deliveries_1');
    for (const plan of plans) expect(plan).not.toMatch(/AUTOMATIC|SCAN d/);
    const [delivered] = await store.read((db) => eventDeliveries(db, inFlight[255]!.eventId));
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(delivered!.attemptLog).toMatchObject([{ outcome: 'delivered', statusCode: 200 }]);
    // A graceful stop's release finds what its owner holds by destination and status, not by
    // reading every delivery the inbox keeps.
    expect(await claim(store, 'a', at(3_000), false, 10)).toHaveLength(10);
    const release = await plansOf(store, (tx) =>
      releaseDeliveries(tx, 'w1', at(3_001), { destinations: ['a'] }),
    );
    expect(release.value).toBe(10);
    // The released attempts to the log, then the rows.
    expect(release.plans).toHaveLength(2);
    for (const plan of release.plans) {
      expect(plan).toContain('USING INDEX workos_inbox_deliveries_status');
      expect(plan).not.toMatch(/SCAN workos_inbox_deliveries/);
    }
  });

  it('claims and outcome batches of any size run the same statement texts, each by key', async () => {
    const store = await sqlite.fresh().open();
    await store.migrate();
    await sync(store, [{ name: 'a', events: ['*'] }]);
    for (let i = 0; i < 40; i++) await store.append(newEvent());
    // Sizes 1 to 8: a text per size would be prepared anew for most claims of a running forwarder.
    const texts = new Set<string>();
    let clock = 1_000;
    let lastId = '';
    for (let size = 1; size <= 8; size++) {
      const claimed = await plansOf(store, (tx) =>
        claimDeliveries(tx, {
          destination: 'a',
          owner: 'w1',
          limit: size,
          leaseMs: 30_000,
          now: at(clock++),
          ordered: false,
        }),
      );
      expect(claimed.value).toHaveLength(size);
      const finished = await plansOf(store, (tx) =>
        finishDeliveries(
          tx,
          'w1',
          claimed.value.map((d) => outcome(d.eventId, at(clock))),
        ),
      );
      expect(finished.value).toBe(size);
      lastId = claimed.value.at(-1)!.eventId;
      for (const { sql } of [...claimed.statements, ...finished.statements]) texts.add(sql);
      // The bodies and the attempt log by key, not by reading every event or attempt.
      for (const plan of [...claimed.plans, ...finished.plans]) {
        expect(plan).not.toMatch(/AUTOMATIC|SCAN (e|a|d|workos_inbox_\w+)(;|$| )/);
      }
    }
    // The claim and the bodies; the outcomes (on the deliveries' rows, which hold their attempts).
    expect(texts.size).toBe(3);
    // What the JSON rows carried landed as the VALUES lists did: dates, codes, the attempt count.
    const [delivered] = await store.read((db) => eventDeliveries(db, lastId));
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: at(clock) });
    expect(delivered!.attemptLog).toMatchObject([
      { attempt: 1, worker: 'w1', startedAt: at(clock - 1), finishedAt: at(clock) },
    ]);
    expect(delivered!.attemptLog[0]).toMatchObject({ outcome: 'delivered', statusCode: 200 });
  });
});

describe('recording outcomes on PostgreSQL', () => {
  const postgres = backends.find((b) => b.name === 'postgres')!;

  /**
   * Record `claimed` as delivered; the plans PostgreSQL makes for each statement, for its values
   * and for any (the generic plan its prepared statement keeps), and the count.
   */
  async function recordWithPlans(store: Store, claimed: readonly { eventId: string }[]) {
    const plans: string[][] = [];
    const recorded = await store.writeTransaction((tx) =>
      finishDeliveries(
        explainingExecutor(tx, (_sql, twoPlans) => plans.push(twoPlans)),
        'w1',
        claimed.map((d) => ({
          eventId: d.eventId,
          destination: 'a',
          outcome: 'delivered' as const,
          nextAttemptAt: null,
          statusCode: 200,
          error: null,
          now: at(5_000),
        })),
      ),
    );
    return { recorded, plans };
  }

  it('finds each delivery by its key, with or without statistics, for any values, not by reading the deliveries in flight or the backlog', async () => {
    const fresh = postgres.fresh();
    const store = await fresh.open();
    await store.migrate();
    await sync(store, [{ name: 'a', events: ['*'] }]);
    // A destination with a backlog of 3,000 deliveries in a table PostgreSQL has no statistics
    // for yet (a new inbox), then many delivered rows and statistics taken while none was in
    // flight (a long-running one).
    const insertEvents = (from: number, to: number) =>
      fresh.sql(
        `INSERT INTO workos_inbox_events
           (id, event, created_at, received_at, raw_body, source, status, attempts)
         SELECT 'event_' || lpad(g::text, 6, '0'), 'dsync.user.created',
                '2026-01-01T00:00:00.000Z', $1, '\\x7b7d', 'webhook', 'done', 1
         FROM generate_series(${from}, ${to}) g`,
        [at(0)],
      );
    await insertEvents(1, 3_000);
    const checks: Array<{ recorded: number; plans: string[][]; last: string }> = [];
    const claimPlans: string[] = [];
    const claimAndRecord = async (now: number) => {
      const claimed = await store.writeTransaction(async (tx) => {
        const options = { destination: 'a', owner: 'w1', limit: 256, leaseMs: 30_000 };
        // Both claim texts (ordered or not) explained without running them, then the claim.
        const explaining = explainingExecutor(
          tx,
          (_sql, twoPlans) => claimPlans.push(...twoPlans),
          { run: false },
        );
        for (const ordered of [true, false]) {
          await claimDeliveries(explaining, { ...options, now: at(now), ordered });
        }
        return claimDeliveries(tx, { ...options, now: at(now), ordered: false });
      });
      expect(claimed).toHaveLength(256);
      checks.push({ ...(await recordWithPlans(store, claimed)), last: claimed.at(-1)!.eventId });
    };
    await claimAndRecord(1_000);
    await insertEvents(3_001, 20_000);
    await fresh.sql(
      `UPDATE workos_inbox_deliveries SET status = 'delivered', delivered_at = $1
       WHERE status = 'pending' AND event_id > 'event_003000'`,
      [at(0)],
    );
    await fresh.sql('ANALYZE');
    await claimAndRecord(2_000);
    // The claim, ordered or not, for its values or any: the due index in its order, stopped by
    // the LIMIT, never the table read and sorted (2 claims × 2 texts × custom and generic).
    expect(claimPlans).toHaveLength(8);
    for (const plan of claimPlans) {
      expect(plan).toContain(
        'Index Scan using workos_inbox_deliveries_due on workos_inbox_deliveries d',
      );
      expect(plan).not.toMatch(/Sort|Seq Scan on workos_inbox_deliveries/);
    }
    for (const { recorded, plans, last } of checks) {
      expect(recorded).toBe(256);
      expect(plans).toHaveLength(1);
      // Each outcome's delivery by the primary key, then the row by its address: not an index on
      // the destination or status, which held the whole backlog (the due index) or every delivery
      // in flight (the status index), read once per batch or once per outcome. The same plan
      // without the values: the statement is prepared, and its generic plan is what runs.
      for (const plan of plans[0]!) {
        expect(plan).toContain('workos_inbox_deliveries_pkey');
        expect(plan).toContain('Tid Scan on workos_inbox_deliveries d');
        expect(plan).not.toMatch(/workos_inbox_deliveries_(status|due)|Seq Scan/);
      }
      const [delivered] = await store.read((db) => eventDeliveries(db, last));
      expect(delivered).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: at(5_000) });
    }
  });

  it('leaves a delivery whose lease another owner holds now', async () => {
    const fresh = postgres.fresh();
    const store = await fresh.open();
    await store.migrate();
    await sync(store, [{ name: 'a', events: ['*'] }]);
    for (let i = 0; i < 3; i++) await store.append(newEvent());
    const claimed = await claim(store, 'a', at(1_000), false, 3);
    // The first one's lease ended and another process claimed it again.
    await fresh.sql(`UPDATE workos_inbox_deliveries SET lease_owner = 'w2' WHERE event_id = $1`, [
      claimed[0]!.eventId,
    ]);
    const { recorded } = await recordWithPlans(store, claimed);
    expect(recorded).toBe(2);
    const [taken] = await store.read((db) => eventDeliveries(db, claimed[0]!.eventId));
    expect(taken).toMatchObject({ status: 'delivering' });
    const [mine] = await store.read((db) => eventDeliveries(db, claimed[1]!.eventId));
    expect(mine).toMatchObject({ status: 'delivered', deliveredAt: at(5_000) });
  });
});

describe('reading deliveries on SQLite', () => {
  const sqlite = backends.find((b) => b.name === 'sqlite')!;

  /** Two destinations with 20 pending deliveries each. */
  async function twoDestinations(): Promise<Store> {
    const store = await sqlite.fresh().open();
    await store.migrate();
    await sync(store, [
      { name: 'a', events: ['*'] },
      { name: 'b', events: ['*'] },
    ]);
    for (let i = 0; i < 20; i++) await store.append(newEvent());
    return store;
  }

  it('stats and a redrive of every destination search by destination and status, not every delivery', async () => {
    const store = await twoDestinations();
    const stats = await plansOf(store, (tx) => deliveryStats(tx, at(10)));
    expect(stats.value.map((s) => s.byStatus.pending)).toEqual([20, 20]);
    const redrive = await plansOf(store, (tx) => redriveDeliveries(tx, {}, at(20)));
    expect(redrive.value).toBe(0);
    // First the destinations (one search each, a loose index scan), then their rows by status.
    for (const { plans } of [stats, redrive]) {
      expect(plans[0]).toContain('(destination>?)');
      for (const plan of plans.slice(1)) {
        expect(plan).toMatch(
          /SEARCH workos_inbox_deliveries USING (COVERING )?INDEX workos_inbox_deliveries_status \(destination=\? AND status=\?\)/,
        );
      }
      for (const plan of plans) expect(plan).not.toMatch(/SCAN workos_inbox_deliveries/);
    }
    expect(stats.plans).toHaveLength(3);
    // The names; the redriven deliveries' last attempts to the log; the rows.
    expect(redrive.plans).toHaveLength(3);
  });

  it('a list stops after its page: by received time, or per destination by status', async () => {
    const store = await twoDestinations();
    const planOf = async (filter: { destination?: string; status?: 'dead' }) =>
      (await plansOf(store, (tx) => listDeliveries(tx, { ...filter, limit: 5 }))).plans.at(-1)!;
    // Read in order, no sort of every row read (a temporary b-tree FOR ORDER BY would mean all
    // were read; one for the LAST TERM orders only the destinations of one event, as they come).
    for (const plan of [await planOf({}), await planOf({ destination: 'a' })]) {
      expect(plan).toContain(
        'SCAN workos_inbox_deliveries USING INDEX workos_inbox_deliveries_queued',
      );
      expect(plan).not.toContain('TEMP B-TREE FOR ORDER BY');
    }
    const byStatus = await planOf({ status: 'dead' });
    // One ordered search per destination; only the merged pages (at most 2 × 6 rows) are sorted.
    expect(
      byStatus.match(
        /SEARCH workos_inbox_deliveries USING INDEX workos_inbox_deliveries_status \(destination=\? AND status=\?\)/g,
      ),
    ).toHaveLength(2);
    expect(byStatus).not.toMatch(/SCAN workos_inbox_deliveries/);
  });
});
