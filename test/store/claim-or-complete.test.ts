import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import type { InlineCompletion, Store, StoredEvent } from '../../src/store/types.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import type { TestDb } from './backends.js';
import { effects, effectsSet, writeEffect } from './effects.js';

// Store.claimOrComplete: the due events whose handlers only collect writes are applied and
// marked done in the claim's own transaction; the others are leased as `claim` leases them.
const backends = useBackends();
const sqlite = backends.find((backend) => backend.name === 'sqlite')!;

async function open(db: TestDb): Promise<Store> {
  const store = await db.open({ migrationSets: [effectsSet] });
  await store.migrate();
  return store;
}

/** Append `count` events received in order (the oldest first) and return their ids. */
async function backlog(
  store: Store,
  count: number,
  event: string | ((i: number) => string) = 'dsync.user.created',
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = typeof event === 'string' ? event : event(i);
    const appended = newEvent({ event: name, receivedAt: at(-100 + i) });
    await store.append(appended);
    ids.push(appended.id);
  }
  return ids;
}

/** Collects the events `accept` takes; its flush writes one effect row per collected event. */
function inlineCompletion(
  accept: (event: StoredEvent) => boolean,
  limit: number,
  flush: (tx: SqlExecutor, ids: string[]) => Promise<void> = async (tx, ids) => {
    for (const id of ids) await writeEffect(id, 'inline')(tx);
  },
): InlineCompletion & { flushErrors: unknown[] } {
  const collected: string[] = [];
  const flushErrors: unknown[] = [];
  return {
    limit,
    flushErrors,
    accepts: () => true,
    collect(event) {
      if (!accept(event)) return false;
      collected.push(event.id);
      return true;
    },
    flush: (tx) => flush(tx, collected.splice(0)),
    flushFailed: (error) => flushErrors.push(error),
  };
}

const claimOptions = { owner: 'w', leaseMs: 60_000, now: t0 };

// Both ways of reading the due events: names first, then the accepted ones whole (handlers of
// their own exist somewhere), and every due event whole at once (`acceptsEvery`: none do).
const readings = backends.flatMap((backend) =>
  [false, true].map((acceptsEvery) => ({
    backend,
    name: backend.name,
    acceptsEvery,
    reading: acceptsEvery ? 'every due event whole at once' : 'names first',
  })),
);

describe.each(readings)(
  'claimOrComplete on $name, reading $reading',
  ({ backend, acceptsEvery }) => {
    const inline = (...args: Parameters<typeof inlineCompletion>) => ({
      ...inlineCompletion(...args),
      acceptsEvery,
    });

    it('applies and marks done the events it collects, with one finished attempt each, and leases the others', async () => {
      const store = await open(backend.fresh());
      const ids = await backlog(store, 6);
      const odd = new Set(ids.filter((_, i) => i % 2 === 1));

      const result = await store.claimOrComplete!(
        { ...claimOptions, limit: 6 },
        inline((event) => !odd.has(event.id), 6),
      );

      expect(result.due).toBe(6);
      expect(result.contended).toBe(false);
      const even = ids.filter((id) => !odd.has(id));
      expect(result.done.map((e) => e.id)).toEqual(even);
      expect(result.done.every((e) => e.status === 'done' && e.attempts === 1)).toBe(true);
      expect(result.claimed.map((e) => e.id)).toEqual([...odd]);
      for (const id of even) {
        expect(await store.get(id)).toMatchObject({
          status: 'done',
          attempts: 1,
          processedAt: t0,
          leaseOwner: null,
          nextAttemptAt: null,
        });
        expect(await store.attempts(id)).toEqual([
          expect.objectContaining({
            attempt: 1,
            worker: 'w',
            startedAt: t0,
            finishedAt: t0,
            outcome: 'done',
          }),
        ]);
      }
      for (const id of odd) {
        expect(await store.get(id)).toMatchObject({
          status: 'processing',
          attempts: 1,
          leaseOwner: 'w',
          leaseExpiresAt: at(60_000),
        });
        expect(await store.attempts(id)).toEqual([
          expect.objectContaining({ attempt: 1, finishedAt: null, outcome: null }),
        ]);
      }
      expect((await effects(store)).map((row) => row.event_id).sort()).toEqual([...even].sort());
      // The leased events complete on the usual path.
      const completed = await store.completeMany(
        'w',
        result.claimed.map((e) => ({
          id: e.id,
          work: async () => {},
          failure: () => ({ error: '', nextAttemptAt: null, now: t0 }),
        })),
        at(10),
        // Its time budget never runs out: on a loaded machine it would end the batch early.
        { monotonicNow: () => 0 },
      );
      expect(completed.map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
    });

    it('leases at most `limit` of the events it does not collect, and leaves the rest due', async () => {
      const store = await open(backend.fresh());
      const ids = await backlog(store, 8);

      const result = await store.claimOrComplete!(
        { ...claimOptions, limit: 2 },
        inline((event) => event.id === ids[7], 8),
      );

      expect(result.due).toBe(8);
      expect(result.done.map((e) => e.id)).toEqual([ids[7]]);
      expect(result.claimed.map((e) => e.id)).toEqual([ids[0], ids[1]]);
      for (const id of ids.slice(2, 7)) {
        expect(await store.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
        expect(await store.attempts(id)).toEqual([]);
      }
    });

    it('with `accepts`, hands `collect` only the names it accepts, whole, and leases the rest by id', async () => {
      const store = await open(backend.fresh());
      // Oldest first: two events with handlers of their own, a mirror event, two more, another.
      const names = ['own', 'own', 'mirror', 'own', 'own', 'mirror'];
      const ids = await backlog(store, names.length, (i) =>
        names[i] === 'own' ? 'dsync.group.created' : 'dsync.user.created',
      );
      const [mirror1, mirror2] = [ids[2], ids[5]];
      const own1 = [ids[0], ids[1]];
      const own2 = [ids[3], ids[4]];
      const seen: StoredEvent[] = [];
      const completion = inline((event) => {
        seen.push(event);
        return true;
      }, 6);
      completion.accepts = (name) => name === 'dsync.user.created';
      completion.acceptsEvery = false;

      const result = await store.claimOrComplete!({ ...claimOptions, limit: 3 }, completion);

      expect(seen.map((e) => e.id)).toEqual([mirror1, mirror2]);
      expect(seen.map((e) => e.rawBody.length > 0 && e.status === 'pending')).toEqual([true, true]);
      expect(await store.get(mirror1!)).toMatchObject({ status: 'done', attempts: 1 });
      expect(result.due).toBe(6);
      expect(result.done.map((e) => e.id)).toEqual([mirror1, mirror2]);
      // The oldest `limit` of the others, read whole by the lease's own statement.
      expect(result.claimed.map((e) => e.id)).toEqual([...own1, own2[0]]);
      expect(result.claimed.every((e) => e.rawBody.length > 0 && e.leaseOwner === 'w')).toBe(true);
      expect(await store.get(own2[1]!)).toMatchObject({ status: 'pending', attempts: 0 });
      expect((await effects(store)).map((row) => row.event_id).sort()).toEqual(
        [mirror1, mirror2].sort(),
      );
    });

    it('looks at no more than the larger of the two limits, oldest first', async () => {
      const store = await open(backend.fresh());
      const ids = await backlog(store, 5);

      const result = await store.claimOrComplete!(
        { ...claimOptions, limit: 1 },
        inline(() => true, 3),
      );

      expect(result.due).toBe(3);
      expect(result.done.map((e) => e.id)).toEqual(ids.slice(0, 3));
      expect(result.claimed).toEqual([]);
      expect((await store.get(ids[3]!))?.status).toBe('pending');
    });

    it('when the flush throws, keeps none of its writes and leases every due event instead', async () => {
      const store = await open(backend.fresh());
      const ids = await backlog(store, 3);
      const boom = new Error('a mirror write failed');
      const completion = inline(
        () => true,
        3,
        async (tx, collected) => {
          await writeEffect(collected[0]!, 'half-applied')(tx);
          throw boom;
        },
      );

      const result = await store.claimOrComplete!({ ...claimOptions, limit: 3 }, completion);

      expect(completion.flushErrors).toEqual([boom]);
      expect(result.done).toEqual([]);
      expect(result.claimed.map((e) => e.id)).toEqual(ids);
      expect(await effects(store)).toEqual([]);
      for (const id of ids) expect((await store.get(id))?.status).toBe('processing');
    });

    it('closes the attempt an expired lease left open when it completes the event', async () => {
      const store = await open(backend.fresh());
      const [id] = await backlog(store, 1);
      await store.claim({ owner: 'gone', limit: 1, leaseMs: 1_000, now: t0 });

      const result = await store.claimOrComplete!(
        { owner: 'w', limit: 1, leaseMs: 60_000, now: at(5_000) },
        inline(() => true, 1),
      );

      expect(result.done.map((e) => [e.id, e.attempts])).toEqual([[id, 2]]);
      expect(await store.attempts(id!)).toEqual([
        expect.objectContaining({
          attempt: 1,
          worker: 'gone',
          outcome: 'lease_lost',
          finishedAt: at(5_000),
        }),
        expect.objectContaining({
          attempt: 2,
          worker: 'w',
          outcome: 'done',
          finishedAt: at(5_000),
        }),
      ]);
    });

    it('takes only the event names asked for, and nothing not yet due', async () => {
      const store = await open(backend.fresh());
      const [user] = await backlog(store, 1, 'dsync.user.created');
      await backlog(store, 1, 'dsync.group.created');
      await store.append(newEvent({ event: 'dsync.user.created', receivedAt: at(50) }));

      const result = await store.claimOrComplete!(
        { ...claimOptions, limit: 5, events: ['dsync.user.created'] },
        inline(() => true, 5),
      );

      expect(result).toMatchObject({ due: 1, claimed: [] });
      expect(result.done.map((e) => e.id)).toEqual([user]);
    });
  },
);

describe('claimOrComplete on sqlite', () => {
  it('reports contention when another process held the write lock as the claim began', async () => {
    const db = sqlite.fresh();
    const store = await open(db);
    const ids = await backlog(store, 2);
    const other = new Database(db.options.database);
    other.exec('BEGIN IMMEDIATE');
    // Release the other process's lock once the claim has found it busy (seen through exec).
    const proto = Database.prototype as unknown as { exec(sql: string): unknown };
    const exec = proto.exec;
    let sawBusy!: () => void;
    const busy = new Promise<void>((resolve) => (sawBusy = resolve));
    proto.exec = function (this: unknown, sql: string) {
      try {
        return exec.call(this, sql);
      } catch (error) {
        if (sql === 'BEGIN IMMEDIATE') sawBusy();
        throw error;
      }
    };
    try {
      const claim = store.claimOrComplete!(
        { ...claimOptions, limit: 2 },
        inlineCompletion(() => true, 2),
      );
      await busy;
      other.exec('COMMIT');
      other.close();
      const result = await claim;
      expect(result.contended).toBe(true);
      expect(result.done.map((e) => e.id)).toEqual(ids);
    } finally {
      proto.exec = exec;
    }

    await backlog(store, 1);
    const after = await store.claimOrComplete!(
      { ...claimOptions, limit: 2 },
      inlineCompletion(() => true, 2),
    );
    expect(after).toMatchObject({ due: 1, contended: false });
  });
});
