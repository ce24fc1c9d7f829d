import { describe, expect, it } from 'vitest';
import { newEvent, useBackends } from './backends.js';

const backends = useBackends();

describe.each(backends)('append on $name', (backend) => {
  it('commits a new event as pending and due, and answers a second append of its id as duplicate', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const event = newEvent({ event: 'dsync.group.created', source: 'api' });
    expect(await store.append(event)).toBe('inserted');
    expect(await store.append({ ...event, rawBody: Buffer.from('{}') })).toBe('duplicate');

    const stored = await store.get(event.id);
    expect(stored).toEqual({
      id: event.id,
      event: 'dsync.group.created',
      createdAt: event.createdAt,
      receivedAt: event.receivedAt,
      rawBody: Buffer.from(event.rawBody),
      source: 'api',
      status: 'pending',
      attempts: 0,
      nextAttemptAt: event.receivedAt,
      leaseOwner: null,
      leaseExpiresAt: null,
      lastError: null,
      processedAt: null,
      prunedAt: null,
    });
    expect(await store.get('missing')).toBeUndefined();
  });

  it('stores hundreds of concurrent appends of one id once, with exactly one "inserted"', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const event = newEvent();
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, () => store.append({ ...event })),
    );
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(299);
    const page = await store.list({ limit: 10 });
    expect(page.events.map((e) => e.id)).toEqual([event.id]);
  });

  it('keeps the raw body byte for byte: invalid UTF-8, a BOM, NUL and CRLF', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const bodies = [
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
      Buffer.from([0x7b, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x7d]),
      Buffer.from('{"a":"\u0000"}\r\n\u00e9\ud83d\ude00', 'utf8'),
      Buffer.from([0x00, 0x00, 0x0d, 0x0a]),
      new Uint8Array(Buffer.alloc(70_000, 0xa5)).subarray(3, 65_539),
    ];
    const events = bodies.map((rawBody) => newEvent({ rawBody }));
    await Promise.all(events.map((e) => store.append(e)));
    for (const event of events) {
      const stored = await store.get(event.id);
      expect(Buffer.compare(stored!.rawBody, Buffer.from(event.rawBody))).toBe(0);
      expect(stored!.rawBody.length).toBe(event.rawBody.byteLength);
    }
  });

  it('group-commits concurrent appends: one transaction for many events', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    const before = store.appendStats!();
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => store.append(newEvent())));
    expect(outcomes.every((o) => o === 'inserted')).toBe(true);
    const after = store.appendStats!();
    expect(after.events - before.events).toBe(200);
    expect(after.inserted - before.inserted).toBe(200);
    // All 200 were handed over in one turn of the event loop, so they share one commit.
    expect(after.batches - before.batches).toBeLessThanOrEqual(2);
    expect(after.maxBatchSize).toBeGreaterThanOrEqual(100);
    expect((await store.stats(new Date())).byStatus.pending).toBe(200);
  });

  it('caps a batch at maxBatchSize', async () => {
    const store = await backend.fresh().open({ maxBatchSize: 25 });
    await store.migrate();
    await Promise.all(Array.from({ length: 100 }, () => store.append(newEvent())));
    const stats = store.appendStats!();
    expect(stats.maxBatchSize).toBeLessThanOrEqual(25);
    expect(stats.batches).toBeGreaterThanOrEqual(4);
    expect(stats.inserted).toBe(100);
  });

  it('rejects a malformed event with a clear error and stores nothing', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    await expect(store.append(newEvent({ id: '' }))).rejects.toMatchObject({
      code: 'invalid_event',
      message: expect.stringContaining('id must be a non-empty string'),
    });
    await expect(
      store.append(newEvent({ receivedAt: new Date(Number.NaN) })),
    ).rejects.toMatchObject({ code: 'invalid_event' });
    expect((await store.list({ limit: 10 })).events).toEqual([]);
  });

  it('wakes in-process listeners after an append commits, and not after a duplicate', async () => {
    const store = await backend.fresh().open();
    await store.migrate();
    let wakes = 0;
    const unsubscribe = store.onWake(() => wakes++);
    const event = newEvent();
    await store.append(event);
    expect(wakes).toBeGreaterThanOrEqual(1);
    unsubscribe();
    const seen = wakes;
    await store.append(newEvent());
    expect(wakes).toBe(seen);
  });

  it('flushes appends still in flight on close, and refuses appends after it', async () => {
    const db = backend.fresh();
    const store = await db.open();
    await store.migrate();
    const events = Array.from({ length: 50 }, () => newEvent());
    const pending = events.map((e) => store.append(e));
    await store.close();
    expect(await Promise.all(pending)).toEqual(events.map(() => 'inserted'));
    await expect(store.append(newEvent())).rejects.toMatchObject({ code: 'store_unavailable' });

    const reopened = await db.open();
    for (const event of events) expect((await reopened.get(event.id))?.id).toBe(event.id);
  });

  it('answers StoreUnavailableError when the tables are missing (not migrated), and recovers after migrate', async () => {
    const store = await backend.fresh().open();
    await expect(store.append(newEvent())).rejects.toMatchObject({ code: 'store_unavailable' });
    // The same store works once migrated (nothing about the failure was cached).
    await store.migrate();
    expect(await store.append(newEvent())).toBe('inserted');
  });
});
