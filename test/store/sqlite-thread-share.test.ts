// `serve` on SQLite opens the same file from two threads (receiving, processing): their stores
// share a write lock, on which appends go first, and wake each other's workers.
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createSqliteThreadShare } from '../../src/store/sqlite/thread-share.js';
import { ThreadWriteLock } from '../../src/store/sqlite/thread-write-lock.js';
import type { AppendOutcome } from '../../src/store/types.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import { effects, effectsSet, holdCompleteOpen } from './effects.js';

const [sqlite] = useBackends();

describe('SQLite stores sharing a thread share', () => {
  it("wake the other store's listeners when events are appended, and only stores that share", async () => {
    const db = sqlite!.fresh();
    const share = createSqliteThreadShare();
    const receiving = await db.open({ sqliteThreadShare: share });
    await receiving.migrate();
    const processing = await db.open({ sqliteThreadShare: share });
    const alone = await db.open();
    let aloneWoken = 0;
    alone.onWake(() => aloneWoken++);
    const woken = new Promise<void>((resolve) => processing.onWake(resolve));

    expect(await receiving.append(newEvent())).toBe('inserted');
    await woken;
    expect(aloneWoken).toBe(0);
  });

  it("holds the other store's appends while a handler transaction is open, and commits them after", async () => {
    const db = sqlite!.fresh();
    const share = createSqliteThreadShare();
    const receiving = await db.open({ sqliteThreadShare: share });
    await receiving.migrate();
    const processing = await db.open({
      sqliteThreadShare: share,
      migrationSets: [effectsSet],
    });
    await processing.migrate();
    const event = newEvent({ receivedAt: at(-1) });
    await receiving.append(event);
    await processing.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });

    const { finish: finishHandler, completing } = await holdCompleteOpen(
      processing,
      event.id,
      'w',
      t0,
    );

    let appended: AppendOutcome | undefined;
    const late = newEvent();
    const appending = receiving.append(late).then((o) => (appended = o));
    expect((await receiving.get(event.id))?.status).toBe('processing');
    expect(await receiving.get(late.id)).toBeUndefined();
    expect(appended).toBeUndefined();

    finishHandler();
    expect(await completing).toBe(true);
    await appending;
    expect(appended).toBe('inserted');
    expect((await receiving.get(event.id))?.status).toBe('done');
    expect(await effects(processing)).toEqual([{ event_id: event.id, note: 'slow' }]);
  });
});

describe('ThreadWriteLock', () => {
  it('gives up what a thread that ended held, and nothing another thread holds', async () => {
    const held = new ThreadWriteLock();
    await held.acquire();
    const other = new ThreadWriteLock(held.buffer);
    let acquired = false;
    const acquiring = other.acquire().then(() => (acquired = true));

    other.abandonedBy(threadId + 7);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(acquired).toBe(false);

    other.abandonedBy(threadId);
    await acquiring;
    expect(acquired).toBe(true);
  });
});
