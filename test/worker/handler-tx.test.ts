// A handler's ctx.tx is its event's transaction and nothing else. Kept past the handler, it used to
// run its queries on whatever the connection did next (on PostgreSQL another event's transaction on
// the same pooled client, on SQLite the next transaction or none); a query not awaited committed
// with the event. Now a late use is refused (`transaction_ended`), and a handler that returns while
// a query of it still runs fails its attempt (`query_not_awaited`), which rolls back.
import type Database from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import type { HandlerContext } from '../../src/worker/handler-source.js';
import { HandlerTransactionError } from '../../src/worker/handler-tx.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { effectCounts, effectsMigrations, recordEffect } from '../inbox/helpers/effects.js';
import { manualClock, receive, secret } from '../inbox/helpers/events.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const insertEffect = 'INSERT INTO test_effects (event_id, applied) VALUES ($1, 1)';

describe.each(backendKinds)('ctx.tx outside its handler, on %s', (kind) => {
  const clock = manualClock(Date.now());

  async function open(batchSize: number): Promise<Inbox> {
    const backend = await createBackend(kind, 'wi_handler_tx');
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({
      database: backend.database,
      secret,
      clock,
      random: () => 0.5,
      mirror: false,
      migrationSets: [effectsMigrations],
      worker: { batchSize, maxAttempts: 5, backoffBaseMs: 1000 },
    });
    cleanups.push(() => inbox.close());
    return inbox;
  }

  it.each([1, 4])(
    'batchSize %i: a ctx.tx kept after its handler returned is refused, also inside the next event',
    async (batchSize) => {
      const inbox = await open(batchSize);
      let kept: HandlerContext | undefined;
      let lateError: unknown;
      inbox.on('dsync.user.created', async (_event, ctx) => {
        if (kept) {
          // The first event's ctx.tx, used while this event's transaction is open.
          lateError = await kept.tx.query(insertEffect, [`${ctx.eventId}_late`]).catch((e) => e);
        } else {
          kept = ctx;
        }
        await recordEffect(ctx);
      });
      expect(await receive(inbox.receiver, 'evt_first')).toBe(200);
      expect(await inbox.worker.drain()).toBe(1);

      const refused = await kept!.tx.query('SELECT 1 AS one').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HandlerTransactionError);
      expect(refused).toMatchObject({
        code: 'transaction_ended',
        message:
          'ctx.tx was used after the handler for event evt_first returned; await every query inside the handler',
      });
      expect(() => kept!.tx.native).toThrow(HandlerTransactionError);
      expect(kept!.tx.dialect).toBe(kind);

      expect(await receive(inbox.receiver, 'evt_second')).toBe(200);
      expect(await inbox.worker.drain()).toBe(1);
      expect(lateError).toMatchObject({ code: 'transaction_ended' });
      expect(await effectCounts((fn) => inbox.store.read(fn))).toEqual(
        new Map([
          ['evt_first', 1],
          ['evt_second', 1],
        ]),
      );
    },
  );

  it.each([1, 4])(
    'batchSize %i: a handler that returns while its query runs fails the attempt, which rolls back',
    async (batchSize) => {
      const inbox = await open(batchSize);
      let attempts = 0;
      inbox.on('dsync.user.created', async (_event, ctx) => {
        attempts++;
        if (attempts === 1) {
          void ctx.tx.query(insertEffect, [ctx.eventId]); // the forgotten await
          return;
        }
        await recordEffect(ctx);
      });
      expect(await receive(inbox.receiver, 'evt_unawaited')).toBe(200);
      expect(await inbox.worker.drain()).toBe(1);

      const row = await inbox.store.get('evt_unawaited');
      expect(row).toMatchObject({ status: 'retrying', attempts: 1 });
      expect(row?.lastError).toContain(
        'HandlerTransactionError: a handler for event evt_unawaited returned while 1 ctx.tx query it started still ran; the attempt is rolled back: await every query inside the handler',
      );
      expect(await effectCounts((fn) => inbox.store.read(fn))).toEqual(new Map());

      // The retry (due 500 ms later), awaiting its query, commits it once.
      clock.advance(1000);
      expect(await inbox.worker.drain()).toBe(1);
      expect(await inbox.store.get('evt_unawaited')).toMatchObject({ status: 'done' });
      expect(await effectCounts((fn) => inbox.store.read(fn))).toEqual(
        new Map([['evt_unawaited', 1]]),
      );
    },
  );

  // docs/inbox.md's rule for ctx.tx.native: read it inside each handler, where writes through the
  // driver's own handle belong to the event's transaction (a kept handle is not guarded).
  it('writes through ctx.tx.native read in the handler roll back and commit with the event', async () => {
    const inbox = await open(1);
    let attempts = 0;
    inbox.on('dsync.user.created', async (_event, ctx) => {
      attempts++;
      if (kind === 'sqlite') {
        (ctx.tx.native as Database.Database)
          .prepare('INSERT INTO test_effects (event_id, applied) VALUES (?, 1)')
          .run(ctx.eventId);
      } else {
        await (ctx.tx.native as PoolClient).query(insertEffect, [ctx.eventId]);
      }
      if (attempts === 1) throw new Error('first attempt fails after its write');
    });
    expect(await receive(inbox.receiver, 'evt_native')).toBe(200);
    expect(await inbox.worker.drain()).toBe(1);
    expect(await inbox.store.get('evt_native')).toMatchObject({ status: 'retrying' });
    expect(await effectCounts((fn) => inbox.store.read(fn))).toEqual(new Map());

    clock.advance(1000);
    expect(await inbox.worker.drain()).toBe(1);
    expect(await inbox.store.get('evt_native')).toMatchObject({ status: 'done' });
    expect(await effectCounts((fn) => inbox.store.read(fn))).toEqual(new Map([['evt_native', 1]]));
  });
});
