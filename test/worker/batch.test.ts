import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { effectCounts, effectsMigrations, recordEffect } from '../inbox/helpers/effects.js';
import { eventBody, manualClock, secret, signedHeaders } from '../inbox/helpers/events.js';

// The worker completes claimed events several per transaction (Store.completeMany); a failing
// handler must cost only its own event, on both backends (batchSize forced on PostgreSQL too).
describe.each(backendKinds)('worker batches on %s', (kind) => {
  const clock = manualClock();
  let inbox: Inbox;
  let cleanup: () => Promise<void>;
  const failOnce = new Set<string>();

  beforeAll(async () => {
    const backend = await createBackend(kind);
    cleanup = backend.cleanup;
    inbox = await createInbox({
      database: backend.database,
      secret,
      clock,
      random: () => 0.5,
      mirror: false,
      migrationSets: [effectsMigrations],
      worker: { concurrency: 4, batchSize: 4, backoffBaseMs: 1000 },
    });
    inbox.on('dsync.user.created', async (_event, ctx) => {
      await recordEffect(ctx);
      if (failOnce.delete(ctx.eventId)) throw new Error('boom in a batch');
    });
  });

  afterAll(async () => {
    await inbox.close();
    await cleanup();
  });

  it('a failing handler in a batch rolls back only its own write; the others commit once', async () => {
    const ids = [0, 1, 2, 3].map((i) => `evt_batch_${kind}_${i}`);
    failOnce.add(ids[1]!);
    for (const id of ids) {
      const body = eventBody(id);
      const res = await inbox.receiver.handle({
        method: 'POST',
        headers: signedHeaders(body, clock.now()),
        body: Buffer.from(body),
      });
      expect(res.status).toBe(200);
    }
    expect(await inbox.worker.drain()).toBe(4);
    let counts = await effectCounts((fn) => inbox.store.read(fn));
    expect(ids.map((id) => counts.get(id))).toEqual([1, undefined, 1, 1]);
    expect(await inbox.store.get(ids[1]!)).toMatchObject({ status: 'retrying', attempts: 1 });
    expect((await inbox.store.get(ids[1]!))?.lastError).toContain('boom in a batch');
    for (const id of [ids[0]!, ids[2]!, ids[3]!]) {
      expect(await inbox.store.get(id)).toMatchObject({ status: 'done', attempts: 1 });
    }

    clock.advance(500);
    expect(await inbox.worker.drain()).toBe(1);
    counts = await effectCounts((fn) => inbox.store.read(fn));
    expect(ids.map((id) => counts.get(id))).toEqual([1, 1, 1, 1]);
    expect((await inbox.store.attempts(ids[1]!)).map((a) => a.outcome)).toEqual([
      'retrying',
      'done',
    ]);
  });
});
