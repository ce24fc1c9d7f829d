import { describe, expect, it } from 'vitest';
import { completeItems } from '../../src/store/lease-operations.js';
import { explainingExecutor } from '../helpers/postgres-plans.js';
import type { CompleteItem, FailOptions, Store, StoredEvent } from '../../src/store/types.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import type { Backend } from './backends.js';
import { effects, effectsSet, writeEffect } from './effects.js';

const backends = useBackends();

async function openWithEffects(backend: Backend): Promise<Store> {
  const store = await backend.fresh().open({ migrationSets: [effectsSet] });
  await store.migrate();
  return store;
}

/** Append `count` events received in order and claim them all for `owner`. */
async function claimed(store: Store, count: number, owner = 'w'): Promise<StoredEvent[]> {
  for (let i = 0; i < count; i++) await store.append(newEvent({ receivedAt: at(-100 + i) }));
  return store.claim({ owner, limit: count, leaseMs: 60_000, now: t0 });
}

const retryAt = (error: unknown): FailOptions => ({
  error: String(error),
  nextAttemptAt: at(5000),
  now: at(10),
});

/**
 * A budget clock that never moves: these tests check what commits, and must not depend on how fast
 * the machine runs the items (under load the 10 ms default budget would split the batch).
 */
const frozen = { monotonicNow: () => 0 };

function item(event: StoredEvent, work: CompleteItem['work']): CompleteItem {
  return { id: event.id, work, failure: retryAt };
}

describe.each(backends)('completeMany on $name', (backend) => {
  it('commits every item with its handler writes and one done attempt each', async () => {
    const store = await openWithEffects(backend);
    const events = await claimed(store, 3);
    const results = await store.completeMany(
      'w',
      events.map((e) => item(e, writeEffect(e.id, `note ${e.id}`))),
      at(10),
      frozen,
    );
    expect(results).toEqual(events.map((e) => ({ id: e.id, outcome: 'done' })));
    for (const event of events) {
      expect(await store.get(event.id)).toMatchObject({
        status: 'done',
        processedAt: at(10),
        leaseOwner: null,
      });
      expect((await store.attempts(event.id)).map((a) => a.outcome)).toEqual(['done']);
    }
    expect(await effects(store)).toHaveLength(3);
  });

  it('rolls back only the failing item (writes included) and records it as failed in the same transaction', async () => {
    const store = await openWithEffects(backend);
    const [first, failing, last] = await claimed(store, 3);
    const boom = new Error('handler failed');
    const results = await store.completeMany(
      'w',
      [
        item(first!, writeEffect(first!.id, 'first')),
        item(failing!, async (tx) => {
          await writeEffect(failing!.id, 'partial')(tx);
          throw boom;
        }),
        item(last!, writeEffect(last!.id, 'last')),
      ],
      at(10),
      frozen,
    );
    expect(results).toEqual([
      { id: first!.id, outcome: 'done' },
      { id: failing!.id, outcome: 'failed', error: boom, recorded: true },
      { id: last!.id, outcome: 'done' },
    ]);
    expect(await effects(store)).toEqual(
      [
        { event_id: first!.id, note: 'first' },
        { event_id: last!.id, note: 'last' },
      ].sort((a, b) => (a.event_id < b.event_id ? -1 : 1)),
    );
    expect(await store.get(failing!.id)).toMatchObject({
      status: 'retrying',
      nextAttemptAt: at(5000),
      lastError: String(boom),
      leaseOwner: null,
      processedAt: null,
    });
    const attempts = await store.attempts(failing!.id);
    expect(attempts.map((a) => [a.outcome, a.error])).toEqual([['retrying', String(boom)]]);
  });

  it('recovers from a failed SQL statement in a handler (on PostgreSQL an aborted transaction)', async () => {
    const store = await openWithEffects(backend);
    const [first, duplicate, last] = await claimed(store, 3);
    const results = await store.completeMany(
      'w',
      [
        item(first!, writeEffect(first!.id, 'first')),
        // The same primary key again: a constraint violation inside the batch transaction.
        item(duplicate!, writeEffect(first!.id, 'again')),
        item(last!, writeEffect(last!.id, 'last')),
      ],
      at(10),
      frozen,
    );
    expect(results.map((r) => r.outcome)).toEqual(['done', 'failed', 'done']);
    expect((await effects(store)).map((e) => e.note).sort()).toEqual(['first', 'last']);
    expect((await store.get(duplicate!.id))?.status).toBe('retrying');
    expect((await store.get(last!.id))?.status).toBe('done');
  });

  it('records dead when the failure says no further attempt', async () => {
    const store = await openWithEffects(backend);
    const [event] = await claimed(store, 1);
    const results = await store.completeMany(
      'w',
      [
        {
          id: event!.id,
          work: () => Promise.reject(new Error('bad')),
          failure: (error) => ({ error: String(error), nextAttemptAt: null, now: at(10) }),
        },
      ],
      at(10),
      frozen,
    );
    expect(results.map((r) => r.outcome)).toEqual(['failed']);
    expect(await store.get(event!.id)).toMatchObject({ status: 'dead', nextAttemptAt: null });
  });

  it('skips an item whose lease was lost (its work never runs) and commits the others', async () => {
    const store = await openWithEffects(backend);
    const lost = newEvent({ receivedAt: at(-200) });
    await store.append(lost);
    await store.claim({ owner: 'a', limit: 1, leaseMs: 1000, now: t0 });
    const held = await claimed(store, 2, 'a');
    // The short lease expired and b took that event.
    const [taken] = await store.claim({ owner: 'b', limit: 5, leaseMs: 60_000, now: at(2000) });
    expect(taken?.id).toBe(lost.id);

    const ran: string[] = [];
    const work = (id: string) => async (tx: Parameters<CompleteItem['work']>[0]) => {
      ran.push(id);
      await writeEffect(id, `from a ${id}`)(tx);
    };
    const results = await store.completeMany(
      'a',
      [held[0]!, taken!, held[1]!].map((e) => ({ id: e.id, work: work(e.id), failure: retryAt })),
      at(2100),
      frozen,
    );
    expect(results).toEqual([
      { id: held[0]!.id, outcome: 'done' },
      { id: lost.id, outcome: 'lease_lost' },
      { id: held[1]!.id, outcome: 'done' },
    ]);
    expect(ran).toEqual([held[0]!.id, held[1]!.id]);
    expect(await store.get(lost.id)).toMatchObject({ status: 'processing', leaseOwner: 'b' });
    expect((await effects(store)).map((e) => e.event_id).sort()).toEqual(
      [held[0]!.id, held[1]!.id].sort(),
    );
    // The new owner still completes it exactly once.
    expect(await store.complete(lost.id, 'b', writeEffect(lost.id, 'from b'), at(2200))).toBe(true);
    expect((await effects(store)).find((e) => e.event_id === lost.id)?.note).toBe('from b');
  });

  it('stops after maxItems or budgetMs; the rest stays leased and untouched for the next call', async () => {
    const store = await openWithEffects(backend);
    const events = await claimed(store, 3);
    const ran: string[] = [];
    const items = events.map((e) =>
      item(e, async (tx) => {
        ran.push(e.id);
        await writeEffect(e.id, 'x')(tx);
      }),
    );
    const two = await store.completeMany('w', items, at(10), { ...frozen, maxItems: 2 });
    expect(two.map((r) => r.id)).toEqual([events[0]!.id, events[1]!.id]);
    expect(await store.get(events[2]!.id)).toMatchObject({ status: 'processing', leaseOwner: 'w' });

    // The budget clock advances only when the slow handler "takes" 30 ms.
    let elapsedMs = 0;
    const slow: CompleteItem = {
      ...items[2]!,
      work: async (tx) => {
        elapsedMs += 30;
        await items[2]!.work(tx);
      },
    };
    const extra = (await claimed(store, 1))[0]!;
    const one = await store.completeMany(
      'w',
      [slow, item(extra, writeEffect(extra.id, 'y'))],
      at(20),
      { budgetMs: 10, monotonicNow: () => elapsedMs },
    );
    expect(one.map((r) => r.id)).toEqual([events[2]!.id]);
    expect(await store.get(extra.id)).toMatchObject({ status: 'processing', leaseOwner: 'w' });
    expect(ran).toEqual(events.map((e) => e.id));
  });
});

describe('completeMany’s statements on postgres', () => {
  const postgres = backends.find((backend) => backend.name === 'postgres')!;

  it('find each event by its key, for any values, with or without statistics', async () => {
    const db = postgres.fresh();
    const store = await db.open();
    await store.migrate();
    // 6,000 events leased to `w` in a table without statistics, then 54,000 done and statistics
    // taken (a long-running inbox).
    const insert = (from: number, to: number, status: string) =>
      db.sql(
        `INSERT INTO workos_inbox_events
           (id, event, created_at, received_at, raw_body, source, status, attempts,
            next_attempt_at, lease_owner, lease_expires_at)
         SELECT 'event_' || lpad(g::text, 6, '0'), 'dsync.user.updated', '2026-01-01T00:00:00Z',
                $1::timestamptz + g * interval '1 ms', '\\x7b7d', 'webhook', $2, 1,
                CASE WHEN $2 = 'done' THEN NULL ELSE $3::timestamptz END,
                CASE WHEN $2 = 'done' THEN NULL ELSE 'w' END,
                CASE WHEN $2 = 'done' THEN NULL ELSE $3::timestamptz END
         FROM generate_series($4::int, $5::int) g`,
        [at(-100_000), status, at(60_000), from, to],
      );
    await insert(1, 6_000, 'processing');
    const complete = async (from: number) => {
      const plans: Array<{ sql: string; plans: [string, string] }> = [];
      const ids = Array.from(
        { length: 32 },
        (_, k) => `event_${String(from + k).padStart(6, '0')}`,
      );
      const results = await store.writeTransaction((tx) => {
        const explaining = explainingExecutor(tx, (sql, twoPlans) =>
          plans.push({ sql, plans: twoPlans }),
        );
        return completeItems(
          explaining,
          'w',
          ids.map((id) => ({ id, work: async () => {}, failure: retryAt, collectsOnly: true })),
          at(10),
          frozen,
        );
      });
      expect(results.map((r) => r.outcome)).toEqual(ids.map(() => 'done'));
      return plans;
    };
    const rounds = [await complete(1)];
    await insert(6_001, 60_000, 'done');
    await db.sql('ANALYZE workos_inbox_events');
    rounds.push(await complete(101));
    for (const plans of rounds) {
      const onEvents = plans.filter(({ sql }) =>
        /FROM workos_inbox_events|UPDATE workos_inbox_events/.test(sql),
      );
      // The leases checked and locked, then the done marking.
      expect(onEvents.length).toBe(2);
      for (const { plans: twoPlans } of onEvents) {
        for (const plan of twoPlans) {
          expect(plan).toContain('workos_inbox_events_pkey');
          expect(plan).not.toMatch(/(Seq|Bitmap Heap) Scan on workos_inbox_events /);
        }
      }
    }
  });
});
