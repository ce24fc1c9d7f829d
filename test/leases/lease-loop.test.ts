// The lease loop under `serve --pull` and `--reconcile-every`: rounds go on after a round that
// throws, `keep` ends a long run when stopping or when another process took the lease, `stop`
// waits for the round in progress, and `release` hands the lease over at once.
import { afterAll, describe, expect, it } from 'vitest';
import { LeaseLoop, LeaseLostError } from '../../src/leases/lease-loop.js';
import type { LeaseLoopOptions } from '../../src/leases/lease-loop.js';
import { openMigratedStore } from '../../src/store/open-store.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import type { Store } from '../../src/store/types.js';
import { waitFor } from '../e2e/cli-harness.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';

// SQLite only: the named lease's SQL runs on both backends in the pull and reconcile loops' tests.
const temp = createTempSqlitePath();
const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  temp.cleanup();
});
const now = { ms: Date.parse('2026-03-01T00:00:00Z') };
const clock = { now: () => now.ms };

async function migratedStore(): Promise<Store> {
  const store = await openMigratedStore({ database: `${temp.dir}/leases-${stores.length}.db` });
  stores.push(store);
  return store;
}

function loop(
  store: LeaseLoopOptions['store'],
  owner: string,
  round: LeaseLoopOptions['round'] = async () => {},
  heartbeatMs?: number,
) {
  return new LeaseLoop({
    heartbeatMs,
    store,
    name: 'test_lease',
    owner,
    leaseMs: 10_000,
    intervalMs: 1,
    round,
    label: 'test',
    clock,
  });
}

describe('LeaseLoop', () => {
  it('keeps going after a round that throws, and stops', async () => {
    const store = await migratedStore();
    let rounds = 0;
    const a = loop(store, 'a', async () => {
      rounds++;
      if (rounds === 1) throw new Error('the first round fails');
    });
    a.start();
    await waitFor(async () => rounds >= 3, 'rounds after a failed one');
    await a.stop();
    const after = rounds;
    expect(a.stopped).toBe(true);
    // Stopped: no round is scheduled any more, so a second stop has nothing to wait for.
    await a.stop();
    expect(rounds).toBe(after);
  });

  it('stop() waits for the round in progress, which ends at its next keep()', async () => {
    const store = await migratedStore();
    let release: () => void = () => {};
    const paused = new Promise<void>((resolve) => (release = resolve));
    let outcome: unknown;
    let started = false;
    const a: LeaseLoop = loop(store, 'a', async () => {
      expect(await a.renew()).toBe(true);
      started = true;
      await paused;
      outcome = await a.keep().then(
        () => 'kept',
        (error: unknown) => error,
      );
    });
    a.start();
    await waitFor(async () => started, 'the round to start');
    let stopped = false;
    const stopping = a.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(outcome).toBeInstanceOf(LeaseLostError);
    expect((outcome as Error).message).toBe('stopped, or the test lease was lost');
  });

  it('one holder at a time: keep() throws for the other; release() hands over at once', async () => {
    const store = await migratedStore();
    const a = loop(store, 'a');
    const b = loop(store, 'b');
    expect(await a.renew()).toBe(true);
    expect(await b.renew()).toBe(false);
    await expect(b.keep()).rejects.toBeInstanceOf(LeaseLostError);
    await a.keep();
    // Taken until a later time (a reconcile holds its slot until the next run is due).
    expect(await a.take(now.ms + 60_000)).toBe(true);
    now.ms += 30_000;
    expect(await b.renew()).toBe(false);
    await a.release();
    expect(await b.renew()).toBe(true);
  });

  it('a pause recorded on the lease holds for whoever takes it, given back or run out, and is cleared by a take after it', async () => {
    const store = await migratedStore();
    const a = loop(store, 'a');
    const b = loop(store, 'b');
    expect(await a.renew()).toBe(true);
    expect(await a.pause()).toBeUndefined();
    const until = now.ms + 60_000;
    await a.recordPause(until, 'GET /events: 429, with a Retry-After of 60 s');
    const pause = {
      until: new Date(until),
      reason: 'GET /events: 429, with a Retry-After of 60 s',
    };
    expect(await b.pause()).toEqual(pause);
    // Given back: free to take at once, the pause kept for the next holder.
    await a.release();
    expect(await b.renew()).toBe(true);
    expect(await b.pause()).toEqual(pause);
    // Run out (its holder died): the same.
    now.ms += 10_000;
    expect(await a.renew()).toBe(true);
    expect(await a.pause()).toEqual(pause);
    // Over: pause() says so at once, the next take clears it, and a release deletes the lease.
    now.ms = until;
    expect(await a.pause()).toBeUndefined();
    expect(await a.renew()).toBe(true);
    expect((await store.read((db) => readNamedLease(db, 'test_lease')))?.pause).toBeUndefined();
    await a.release();
    expect(await store.read((db) => readNamedLease(db, 'test_lease'))).toBeUndefined();
  });

  it('hold() renews the lease while the run waits between keeps, and stops with the run', async () => {
    const store = await migratedStore();
    let renewals = 0;
    const counting: LeaseLoopOptions['store'] = {
      takeNamedLease: (...args) => {
        renewals++;
        return store.takeNamedLease(...args);
      },
      releaseNamedLease: (...args) => store.releaseNamedLease(...args),
      read: store.read.bind(store),
      writeTransaction: store.writeTransaction.bind(store),
    };
    const a = loop(counting, 'a', undefined, 1);
    const b = loop(store, 'b');
    expect(await a.renew()).toBe(true);
    let release: () => void = () => {};
    const waiting = new Promise<string>((resolve) => (release = () => resolve('done')));
    const run = a.hold(() => waiting);
    // The run waits (a Retry-After, a slow page) for longer than the lease lasts unrenewed.
    now.ms += 25_000;
    const expiresAt = () =>
      store.read((db) => readNamedLease(db, 'test_lease')).then((h) => h?.expiresAt.getTime());
    await waitFor(
      async () => (await expiresAt()) === now.ms + 10_000,
      'the heartbeat to renew the lease from the new time',
    );
    // A second process finds it held, though no keep() ran in 25 s of the clock.
    expect(await b.renew()).toBe(false);
    release();
    await expect(run).resolves.toBe('done');
    // The heartbeat ended with the run: no renewal after it, so the lease lapses.
    const after = renewals;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(renewals).toBe(after);
    now.ms += 10_001;
    expect(await b.renew()).toBe(true);
    // A heartbeat that finds the lease taken does not end the run; its next keep() does.
    const stillRunning = a.hold(async () => {
      await waitFor(async () => renewals > after + 2, 'heartbeats that find the lease taken');
      return a.keep();
    });
    await expect(stillRunning).rejects.toBeInstanceOf(LeaseLostError);
  });
});
