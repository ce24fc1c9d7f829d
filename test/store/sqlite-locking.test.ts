import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { AppendOutcome } from '../../src/store/types.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import { effects, effectsSet, writeEffect } from './effects.js';

const [sqlite] = useBackends();

describe('SQLite write path', () => {
  it('holds appends while a handler transaction is open, commits them after, and keeps reads going', async () => {
    const store = await sqlite!.fresh().open({ migrationSets: [effectsSet] });
    await store.migrate();
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });

    let finishHandler!: () => void;
    const handlerMayFinish = new Promise<void>((resolve) => (finishHandler = resolve));
    let handlerStarted!: () => void;
    const started = new Promise<void>((resolve) => (handlerStarted = resolve));
    const completing = store.complete(
      event.id,
      'w',
      async (tx) => {
        await writeEffect(event.id, 'slow')(tx);
        handlerStarted();
        await handlerMayFinish;
      },
      t0,
    );
    await started;

    let appended: AppendOutcome | undefined;
    const late = newEvent();
    const appending = store.append(late).then((o) => (appended = o));
    // Reads do not wait for the write lock (WAL), and see only committed data.
    expect((await store.get(event.id))?.status).toBe('processing');
    expect(await store.get(late.id)).toBeUndefined();
    expect(appended).toBeUndefined();

    finishHandler();
    expect(await completing).toBe(true);
    await appending;
    expect(appended).toBe('inserted');
    expect(await effects(store)).toEqual([{ event_id: event.id, note: 'slow' }]);
  });

  it('answers StoreUnavailableError when the lock stays busy past busyTimeoutMs, losing nothing committed', async () => {
    const store = await sqlite!.fresh().open({ busyTimeoutMs: 200 });
    await store.migrate();
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handlerStarted!: () => void;
    const started = new Promise<void>((resolve) => (handlerStarted = resolve));
    const completing = store.complete(
      event.id,
      'w',
      async () => {
        handlerStarted();
        await held;
      },
      t0,
    );
    await started;
    await expect(store.append(newEvent())).rejects.toMatchObject({ code: 'store_unavailable' });
    release();
    expect(await completing).toBe(true);
    expect(await store.append(newEvent())).toBe('inserted');
  });

  it('keeps the WAL bounded when only the main thread writes (the append thread checkpoints)', async () => {
    const db = sqlite!.fresh();
    const store = await db.open();
    await store.migrate();
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 1000, now: t0 });
    for (let i = 1; i <= 1500; i++) {
      expect(await store.extendLease(event.id, 'w', at(1000 + i))).toBe(true);
    }
    // About 3 pages per transaction: without checkpoints the WAL would pass 15 MB.
    expect(statSync(`${db.options.database}-wal`).size).toBeLessThan(6 * 1024 * 1024);
    expect((await store.get(event.id))?.leaseExpiresAt).toEqual(at(2500));
  });

  it('creates the parent folder and refuses an in-memory database with a clear error', async () => {
    const temp = createTempSqlitePath();
    try {
      const store = await openStore({ database: `${temp.dir}/nested/deeper/inbox.db` });
      await store.migrate();
      expect(await store.append(newEvent())).toBe('inserted');
      await store.close();
    } finally {
      temp.cleanup();
    }
    await expect(openStore({ database: ':memory:' })).rejects.toMatchObject({
      code: 'invalid_database',
    });
  });
});
