import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { openSqlite } from '../../src/store/sqlite/sqlite-connection.js';
import type { AppendOutcome } from '../../src/store/types.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import { effects, effectsSet, holdCompleteOpen, writeEffect } from './effects.js';

const [sqlite] = useBackends();

describe('SQLite write path', () => {
  it('holds appends while a handler transaction is open, commits them after, and keeps reads going', async () => {
    const store = await sqlite!.fresh().open({ migrationSets: [effectsSet] });
    await store.migrate();
    const event = newEvent({ receivedAt: at(-1) });
    await store.append(event);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });

    const { finish: finishHandler, completing } = await holdCompleteOpen(store, event.id, 'w', t0);

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

  it('tells onWriteLockWait once when a write waits for another connection, and names it on giving up', async () => {
    const backend = sqlite!.fresh();
    const waits: Array<{ waitedMs: number; busyTimeoutMs: number }> = [];
    const store = await backend.open({
      busyTimeoutMs: 300,
      writeLockNoticeMs: 0,
      onWriteLockWait: (wait) => waits.push(wait),
    });
    await store.migrate();
    expect(waits).toEqual([]);
    // Another process's write transaction, as a running serve's.
    const other = openSqlite(backend.options.database, { busyTimeoutMs: 0 });
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.redrive({ status: 'dead' }, t0)).rejects.toMatchObject({
        code: 'store_unavailable',
        message: expect.stringContaining('another process held it all that time'),
      });
      expect(waits).toEqual([{ waitedMs: expect.any(Number), busyTimeoutMs: 300 }]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await store.redrive({ status: 'dead' }, t0)).toBe(0);
    expect(waits).toHaveLength(1);
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

  it('shares one file between two stores (as two processes would): every event processed once', async () => {
    const db = sqlite!.fresh();
    const receiver = await db.open({ migrationSets: [effectsSet] });
    const worker = await db.open({ migrationSets: [effectsSet] });
    await receiver.migrate();
    const events = Array.from({ length: 200 }, (_, i) => newEvent({ receivedAt: at(-i) }));
    const appending = Promise.all(events.map((e) => receiver.append(e)));
    let processed = 0;
    for (let round = 0; round < 500 && processed < events.length; round++) {
      const claimed = await worker.claim({ owner: 'w', limit: 20, leaseMs: 60_000, now: t0 });
      for (const event of claimed) {
        expect(await worker.complete(event.id, 'w', writeEffect(event.id, 'x'), t0)).toBe(true);
        processed++;
      }
      if (claimed.length === 0) await appending;
    }
    expect(await appending).toEqual(events.map(() => 'inserted'));
    expect(processed).toBe(200);
    expect(await effects(receiver)).toHaveLength(200);
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

describe('opening a SQLite connection', () => {
  // A thread opening its connection while another holds the write lock (serve's append thread
  // starting while its worker thread runs a handler) must not sleep in SQLite's busy handler: a
  // thread there cannot be stopped, so serve could not exit when the other thread died.
  it('does not take the write lock on an existing database; a new one gets incremental auto-vacuum', () => {
    const { path, cleanup } = createTempSqlitePath();
    const first = openSqlite(path, { busyTimeoutMs: 0 });
    try {
      expect(first.pragma('auto_vacuum', { simple: true })).toBe(2);
      first.exec('CREATE TABLE t (x integer)');
      first.exec('BEGIN IMMEDIATE');
      first.exec('INSERT INTO t VALUES (1)');
      const second = openSqlite(path, { busyTimeoutMs: 0 });
      try {
        expect(second.pragma('auto_vacuum', { simple: true })).toBe(2);
        expect(second.pragma('journal_mode', { simple: true })).toBe('wal');
        // The lock really was held: a write from the new connection is refused at once.
        expect(() => second.exec('INSERT INTO t VALUES (2)')).toThrow(/locked|busy/i);
        first.exec('COMMIT');
        second.exec('INSERT INTO t VALUES (2)');
        expect(second.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
      } finally {
        second.close();
      }
    } finally {
      if (first.inTransaction) first.exec('ROLLBACK');
      first.close();
      cleanup();
    }
  });
});
