import { createServer } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { createRetentionLoop, retentionIntervalMs } from '../../src/inbox/retention-loop.js';
import { backendKinds, createBackend } from './helpers/backends.js';
import {
  closeServer,
  eventBody,
  listen,
  manualClock,
  secret,
  send,
  signedHeaders,
} from './helpers/events.js';

const day = 86_400_000;

describe.each(backendKinds)('retention on %s', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  it('prunes a processed event, and the same signed event sent again is a duplicate whose handler does not run', async () => {
    const backend = await createBackend(kind, 'wi_retention');
    cleanups.push(backend.cleanup);
    const clock = manualClock();
    const inbox = await createInbox({ database: backend.database, secret, mirror: false, clock });
    cleanups.push(() => inbox.close());
    const handled: string[] = [];
    inbox.on('dsync.user.created', (event) => {
      handled.push(event.id);
    });
    const server = createServer(inbox.node());
    const url = await listen(server);
    cleanups.push(() => closeServer(server));

    const old = eventBody('evt_retention_old');
    const recent = eventBody('evt_retention_recent');
    expect((await send(url, { body: old, headers: signedHeaders(old, clock.now()) })).status).toBe(
      200,
    );
    await inbox.worker.drain();
    clock.advance(8 * day);
    expect(
      (await send(url, { body: recent, headers: signedHeaders(recent, clock.now()) })).status,
    ).toBe(200);
    await inbox.worker.drain();
    expect(handled).toEqual(['evt_retention_old', 'evt_retention_recent']);

    const retention = createRetentionLoop({
      store: inbox.store,
      clock,
      logger: pino({ level: 'silent' }),
      settings: { olderThanMs: 7 * day },
    });
    expect(await retention.runOnce()).toMatchObject({ pruned: 1 });
    const pruned = await inbox.store.get('evt_retention_old');
    expect(pruned).toMatchObject({ status: 'done', prunedAt: new Date(clock.now()) });
    expect(pruned!.rawBody.length).toBe(0);
    expect((await inbox.store.get('evt_retention_recent'))!.prunedAt).toBeNull();

    // WorkOS redelivers the old event, freshly signed.
    const again = await send(url, { body: old, headers: signedHeaders(old, clock.now()) });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ status: 'duplicate' });
    expect(await inbox.worker.drain()).toBe(0);
    expect(handled).toEqual(['evt_retention_old', 'evt_retention_recent']);
    expect(await inbox.store.get('evt_retention_old')).toMatchObject({ status: 'done' });
  });
});

describe('retention interval', () => {
  it('is a tenth of the window, at least a minute and at most an hour, unless given', () => {
    expect(retentionIntervalMs({ olderThanMs: 7 * day })).toBe(3_600_000);
    expect(retentionIntervalMs({ olderThanMs: 20 * 60_000 })).toBe(120_000);
    expect(retentionIntervalMs({ olderThanMs: 60_000 })).toBe(60_000);
    expect(retentionIntervalMs({ olderThanMs: day, intervalMs: 5000 })).toBe(5000);
  });
});
