import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import type { Backend } from './backends.js';
import { effects, effectsSet, writeEffect } from './effects.js';

const backends = useBackends();

async function openWithEffects(backend: Backend): Promise<Store> {
  const store = await backend.fresh().open({ migrationSets: [effectsSet] });
  await store.migrate();
  return store;
}

describe.each(backends)('leases on $name', (backend) => {
  it('claims due events oldest first, marks them processing with attempts + 1 and starts an attempt', async () => {
    const store = await openWithEffects(backend);
    const first = newEvent({ receivedAt: at(-3000) });
    const second = newEvent({ receivedAt: at(-2000) });
    const future = newEvent({ receivedAt: at(60_000) });
    for (const e of [second, future, first]) await store.append(e);

    const claimed = await store.claim({ owner: 'w1', limit: 10, leaseMs: 30_000, now: t0 });
    expect(claimed.map((e) => e.id)).toEqual([first.id, second.id]);
    for (const event of claimed) {
      expect(event).toMatchObject({
        status: 'processing',
        attempts: 1,
        leaseOwner: 'w1',
        leaseExpiresAt: at(30_000),
      });
    }
    expect(await store.attempts(first.id)).toEqual([
      {
        eventId: first.id,
        attempt: 1,
        worker: 'w1',
        startedAt: t0,
        finishedAt: null,
        outcome: null,
        error: null,
      },
    ]);
    // Held leases and not-yet-due events are not claimed again.
    expect(await store.claim({ owner: 'w2', limit: 10, leaseMs: 30_000, now: at(1000) })).toEqual(
      [],
    );
    expect((await store.get(future.id))?.status).toBe('pending');
  });

  it('honours limit and the event-name filter', async () => {
    const store = await openWithEffects(backend);
    await store.append(newEvent({ event: 'dsync.user.created', receivedAt: at(-3) }));
    await store.append(newEvent({ event: 'dsync.group.deleted', receivedAt: at(-2) }));
    await store.append(newEvent({ event: 'dsync.user.created', receivedAt: at(-1) }));
    const one = await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    expect(one).toHaveLength(1);
    const groups = await store.claim({
      owner: 'w',
      limit: 10,
      leaseMs: 1000,
      now: t0,
      events: ['dsync.group.deleted'],
    });
    expect(groups.map((e) => e.event)).toEqual(['dsync.group.deleted']);
    expect(
      await store.claim({ owner: 'w', limit: 10, leaseMs: 1000, now: t0, events: [] }),
    ).toEqual([]);
  });

  it('gives an expired lease to another worker and records the first attempt as lease_lost', async () => {
    const store = await openWithEffects(backend);
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'a', limit: 1, leaseMs: 1000, now: t0 });
    expect(await store.claim({ owner: 'b', limit: 1, leaseMs: 1000, now: at(999) })).toEqual([]);
    const [taken] = await store.claim({ owner: 'b', limit: 1, leaseMs: 1000, now: at(1000) });
    expect(taken).toMatchObject({ id: event.id, attempts: 2, leaseOwner: 'b' });
    const attempts = await store.attempts(event.id);
    expect(attempts.map((a) => [a.attempt, a.worker, a.outcome])).toEqual([
      [1, 'a', 'lease_lost'],
      [2, 'b', null],
    ]);
    expect(attempts[0]?.finishedAt).toEqual(at(1000));
  });

  it('completes: the handler write and the done status commit together', async () => {
    const store = await openWithEffects(backend);
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    expect(await store.complete(event.id, 'w', writeEffect(event.id, 'once'), at(10))).toBe(true);
    expect(await store.get(event.id)).toMatchObject({
      status: 'done',
      processedAt: at(10),
      leaseOwner: null,
      nextAttemptAt: null,
    });
    expect(await effects(store)).toEqual([{ event_id: event.id, note: 'once' }]);
    expect((await store.attempts(event.id)).map((a) => a.outcome)).toEqual(['done']);
    expect(await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: at(99_999) })).toEqual([]);
  });

  it('rolls back and returns false when the lease was lost: the effect happens exactly once', async () => {
    const store = await openWithEffects(backend);
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'a', limit: 1, leaseMs: 1000, now: t0 });
    await store.claim({ owner: 'b', limit: 1, leaseMs: 1000, now: at(2000) });

    expect(await store.complete(event.id, 'a', writeEffect(event.id, 'from a'), at(2100))).toBe(
      false,
    );
    expect(await effects(store)).toEqual([]);
    expect(await store.get(event.id)).toMatchObject({ status: 'processing', leaseOwner: 'b' });

    expect(await store.complete(event.id, 'b', writeEffect(event.id, 'from b'), at(2200))).toBe(
      true,
    );
    expect(await effects(store)).toEqual([{ event_id: event.id, note: 'from b' }]);
  });

  it('rolls back the handler write and the status when the handler throws, and rethrows', async () => {
    const store = await openWithEffects(backend);
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    const boom = new Error('handler failed');
    await expect(
      store.complete(
        event.id,
        'w',
        async (tx) => {
          await writeEffect(event.id, 'partial')(tx);
          throw boom;
        },
        at(5),
      ),
    ).rejects.toBe(boom);
    expect(await effects(store)).toEqual([]);
    expect(await store.get(event.id)).toMatchObject({ status: 'processing', leaseOwner: 'w' });
    // The store stays usable after the rollback.
    expect(
      await store.fail(event.id, 'w', {
        error: 'handler failed',
        nextAttemptAt: at(60_000),
        now: at(6),
      }),
    ).toBe(true);
  });

  it('fails to retrying at nextAttemptAt, then to dead; a stranger cannot fail it', async () => {
    const store = await openWithEffects(backend);
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    expect(await store.fail(event.id, 'other', { error: 'x', nextAttemptAt: at(1), now: t0 })).toBe(
      false,
    );
    expect(
      await store.fail(event.id, 'w', { error: 'timeout', nextAttemptAt: at(5000), now: at(10) }),
    ).toBe(true);
    expect(await store.get(event.id)).toMatchObject({
      status: 'retrying',
      attempts: 1,
      nextAttemptAt: at(5000),
      lastError: 'timeout',
      leaseOwner: null,
    });
    expect(await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: at(4999) })).toEqual([]);
    const [again] = await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: at(5000) });
    expect(again).toMatchObject({ id: event.id, attempts: 2, status: 'processing' });
    expect(
      await store.fail(event.id, 'w', { error: 'gave up', nextAttemptAt: null, now: at(5001) }),
    ).toBe(true);
    expect(await store.get(event.id)).toMatchObject({
      status: 'dead',
      nextAttemptAt: null,
      lastError: 'gave up',
    });
    expect((await store.attempts(event.id)).map((a) => [a.outcome, a.error])).toEqual([
      ['retrying', 'timeout'],
      ['dead', 'gave up'],
    ]);
    expect(await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: at(10_000_000) })).toEqual(
      [],
    );
  });

  it('extends a lease only for its owner', async () => {
    const store = await openWithEffects(backend);
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    expect(await store.extendLease(event.id, 'other', at(50_000))).toBe(false);
    expect(await store.extendLease(event.id, 'w', at(50_000))).toBe(true);
    expect(await store.claim({ owner: 'x', limit: 1, leaseMs: 1000, now: at(20_000) })).toEqual([]);
    expect((await store.get(event.id))?.leaseExpiresAt).toEqual(at(50_000));
  });

  it('releases every lease of an owner without counting the attempt', async () => {
    const store = await openWithEffects(backend);
    const mine = [newEvent({ receivedAt: at(-3) }), newEvent({ receivedAt: at(-2) })];
    const theirs = newEvent({ receivedAt: at(-1) });
    for (const e of [...mine, theirs]) await store.append(e);
    await store.claim({ owner: 'me', limit: 2, leaseMs: 60_000, now: t0 });
    await store.claim({ owner: 'them', limit: 1, leaseMs: 60_000, now: t0 });
    expect(await store.releaseLeases('me', at(100))).toBe(2);
    for (const e of mine) {
      expect(await store.get(e.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        leaseOwner: null,
        nextAttemptAt: at(100),
      });
      expect((await store.attempts(e.id)).map((a) => a.outcome)).toEqual(['released']);
    }
    expect((await store.get(theirs.id))?.leaseOwner).toBe('them');
    const again = await store.claim({ owner: 'next', limit: 5, leaseMs: 1000, now: at(100) });
    expect(again.map((e) => [e.id, e.attempts])).toEqual(mine.map((e) => [e.id, 1]));
  });
});
