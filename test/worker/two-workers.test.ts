import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { killChild, startInboxChild } from '../inbox/helpers/child.js';
import { effectCounts, effectsMigrations } from '../inbox/helpers/effects.js';
import { waitWhileProgressing } from '../helpers/wait-while-progressing.js';

const total = 100_000;

async function appendMany(store: Store, count: number): Promise<void> {
  const receivedAt = new Date();
  const window = 2000;
  for (let start = 0; start < count; start += window) {
    const batch = [];
    for (let i = start; i < Math.min(start + window, count); i++) {
      const id = `evt_bulk_${i}`;
      const raw = `{"id":"${id}","event":"dsync.group.created","created_at":"2026-11-27T10:00:00.000Z","data":{"object":"directory_group","id":"directory_group_${i}","idp_id":"g${i}","directory_id":"directory_01","organization_id":"org_01","name":"G${i}","created_at":"2026-11-27T10:00:00.000Z","updated_at":"2026-11-27T10:00:00.000Z","raw_attributes":{}}}`;
      batch.push(
        store.append({
          id,
          event: 'dsync.group.created',
          createdAt: '2026-11-27T10:00:00.000Z',
          rawBody: Buffer.from(raw),
          source: 'api',
          receivedAt,
        }),
      );
    }
    await Promise.all(batch);
  }
}

describe('two worker processes on PostgreSQL over 100k events', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it(
    'processes every event exactly once: none twice, none left behind',
    { timeout: 1_800_000 },
    async () => {
      const db = await createTestDatabase('wi_two_workers');
      cleanups.push(db.drop);
      const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-two-workers-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const store = await openStore({ database: db.url, migrationSets: [effectsMigrations] });
      cleanups.push(() => store.close());
      await store.migrate();
      await appendMany(store, total);

      const files = [join(dir, 'a.txt'), join(dir, 'b.txt')];
      const workers = await Promise.all(
        files.map((file) =>
          startInboxChild({
            INBOX_DATABASE: db.url,
            INBOX_MODE: 'worker-only',
            INBOX_IDS_FILE: file,
            INBOX_LEASE_MS: '30000',
            INBOX_CONCURRENCY: '32',
            INBOX_POOL_SIZE: '20',
          }),
        ),
      );
      await waitWhileProgressing(() => store.stats(new Date()), {
        done: (stats) => stats.byStatus.done === total,
        progress: (stats) => stats.byStatus.done,
        what: 'two workers draining',
        intervalMs: 2000,
      });
      await Promise.all(workers.map((w) => killChild(w, 'SIGTERM')));

      const runs = files.map((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
      // Both processes took part; their runs (recorded outside the transaction) never overlap.
      expect(runs[0]!.length).toBeGreaterThan(0);
      expect(runs[1]!.length).toBeGreaterThan(0);
      const all = [...runs[0]!, ...runs[1]!];
      expect(all.length).toBe(total);
      expect(new Set(all).size).toBe(total);

      const effects = await effectCounts((fn) => store.read(fn));
      expect(effects.size).toBe(total);
      expect([...effects.values()].every((n) => n === 1)).toBe(true);
      const stats = await store.stats(new Date());
      expect(stats.byStatus).toMatchObject({
        pending: 0,
        processing: 0,
        retrying: 0,
        dead: 0,
        done: total,
      });
    },
  );
});
