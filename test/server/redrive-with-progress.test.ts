import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveWithProgress } from '../../src/cli/redrive-with-progress.js';
import { openMigratedStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createBackend } from '../inbox/helpers/backends.js';

// More dead events than one chunk: the windowed redrive must queue each matching one, once,
// and leave the others dead.
describe.each(['sqlite', 'postgres'] as const)('events redrive of many (%s)', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void> | void;
  const chunkSize = 100;
  const total = chunkSize * 3 + 50;

  beforeAll(async () => {
    const backendDb = await createBackend(backend, 'wi_redrive');
    cleanup = backendDb.cleanup;
    store = await openMigratedStore({ database: backendDb.database });
    const base = Date.parse('2026-01-01T00:00:00Z');
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        store.append({
          id: `event_${String(i).padStart(5, '0')}`,
          event: i % 10 === 0 ? 'dsync.group.created' : 'dsync.user.created',
          createdAt: new Date(base + i).toISOString(),
          rawBody: Buffer.from('{}'),
          source: 'webhook',
          // Several events per millisecond: windows must not lose ties.
          receivedAt: new Date(base + Math.floor(i / 3)),
        }),
      ),
    );
    const now = new Date(base + 10 * total);
    for (;;) {
      const claimed = await store.claim({ owner: 'test', limit: 500, leaseMs: 60_000, now });
      if (claimed.length === 0) break;
      for (const event of claimed) {
        await store.fail(event.id, 'test', { error: 'broken', nextAttemptAt: null, now });
      }
    }
  });

  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('queues every matching dead event exactly once, in windows, and no other', async () => {
    const users = total - Math.ceil(total / 10);
    expect((await store.stats(new Date())).byStatus.dead).toBe(total);
    const { redriven: count, skippedPruned } = await redriveWithProgress(
      store,
      { status: 'dead', event: 'dsync.user.created' },
      chunkSize,
    );
    expect(count).toBe(users);
    expect(skippedPruned).toBe(0);
    const stats = await store.stats(new Date());
    expect(stats.byStatus.dead).toBe(total - users);
    expect(stats.byStatus.pending).toBe(users);
    const stillDead = await store.list({ status: 'dead', limit: 1000 });
    expect(stillDead.events).toHaveLength(total - users);
    expect(stillDead.events.every((e) => e.event === 'dsync.group.created')).toBe(true);
  });
});
