import { afterAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import { killChild, startInboxChild } from '../inbox/helpers/child.js';
import { effectCounts, effectsMigrations, recordEffect } from '../inbox/helpers/effects.js';
import { eventBody, secret, send, signedHeaders } from '../inbox/helpers/events.js';

describe.each(backendKinds)('a worker killed mid-handler on %s', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('loses its lease when it expires, and another worker processes the event once', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const leaseMs = 60_000;
    const child = await startInboxChild({
      INBOX_DATABASE: backend.database,
      INBOX_MODE: 'hang',
      INBOX_LEASE_MS: String(leaseMs),
    });
    const id = `evt_lease_${kind}`;
    const body = eventBody(id);
    const res = await send(`http://127.0.0.1:${String(child.hello.port)}/`, {
      body,
      headers: signedHeaders(body),
    });
    expect(res.status).toBe(200);
    await child.waitFor((m) => m.started === id);
    await killChild(child);

    // Another worker, whose clock is past the dead worker's lease: no sleeping for expiry.
    let offsetMs = 0;
    const inbox = await createInbox({
      database: backend.database,
      secret,
      mirror: false,
      migrationSets: [effectsMigrations],
      clock: { now: () => Date.now() + offsetMs },
    });
    const attempts: number[] = [];
    inbox.onAny(async (_event, ctx) => {
      attempts.push(ctx.attempt);
      await recordEffect(ctx);
    });
    try {
      const held = await inbox.store.get(id);
      expect(held).toMatchObject({ status: 'processing', attempts: 1 });
      expect(await inbox.worker.drain()).toBe(0); // the lease still holds
      offsetMs = leaseMs + 1000;
      expect(await inbox.worker.drain()).toBe(1);
      expect(attempts).toEqual([2]);
      const row = await inbox.store.get(id);
      expect(row).toMatchObject({ status: 'done', attempts: 2, leaseOwner: null });
      expect((await effectCounts((fn) => inbox.store.read(fn))).get(id)).toBe(1);
      const history = await inbox.store.attempts(id);
      expect(history.map((a) => a.attempt)).toEqual([1, 2]);
      expect(history[1]?.outcome).toBe('done');
      expect(history[0]?.worker).not.toBe(history[1]?.worker);
    } finally {
      await inbox.close();
    }
  });
});
