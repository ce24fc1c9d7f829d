// `events redrive` of more dead events than one page of its count (1000) and one redrive window
// (1000), through the built CLI: it counts the matches before queuing anything (keys only, not
// the bodies), then queues each matching dead event once, skipping pruned ones, and no other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMirror } from '../../src/inbox/mirror-setup.js';
import { openMigratedStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { appendBacklog } from '../helpers/backlog.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { newEvent } from '../store/backends.js';
import { ensureBuilt, runCli } from './cli-harness.js';

describe.each(['sqlite', 'postgres'] as const)('events redrive of a dead backlog (%s)', (kind) => {
  let cwd: string;
  let database: string;
  let store: Store;
  let cleanup: () => Promise<void>;
  const users = 1250;
  const groups = 20;
  const pruned = 10;

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-redrive-backlog-'));
    const backend = await createBackend(kind, 'wi_e2e_redrive_backlog');
    database = backend.database;
    cleanup = backend.cleanup;
    // With the mirror's tables, as the CLI requires.
    store = await openMigratedStore({
      database,
      migrationSets: resolveMirror(true).migrationSets,
    });
    const base = Date.parse('2026-01-01T00:00:00Z');
    await appendBacklog(
      store,
      Array.from({ length: users + groups }, (_, i) =>
        newEvent({
          id: `event_${String(i).padStart(5, '0')}`,
          event: i < users ? 'dsync.user.created' : 'dsync.group.created',
          // Several events per millisecond: the windows must not lose ties.
          receivedAt: new Date(base + Math.floor(i / 3)),
        }),
      ),
    );
    // Every one dead after its attempts; a few of the users' then pruned (--include-dead).
    await store.writeTransaction(async (tx) => {
      await tx.query(
        `UPDATE workos_inbox_events SET status = 'dead', attempts = 10, next_attempt_at = NULL,
           last_error = 'broken'`,
      );
      await tx.query(
        `UPDATE workos_inbox_events SET pruned_at = $1 WHERE id < 'event_${String(pruned).padStart(5, '0')}'`,
        [new Date(base + 1000)],
      );
    });
  });

  afterAll(async () => {
    await store?.close();
    await cleanup?.();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('queues every matching dead event once, skips the pruned ones, leaves the others dead', async () => {
    const redrive = () =>
      runCli(
        ['events', 'redrive', '--event', 'dsync.user.created', '--json', '--database', database],
        { cwd, timeoutMs: 60_000 },
      );
    const first = await redrive();
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ redriven: users - pruned, skippedPruned: pruned });
    const { rows } = await store.read((db) =>
      db.query<{ event: string; status: string; attempts: number | string; n: number | string }>(
        `SELECT event, status, attempts, COUNT(*) AS n FROM workos_inbox_events
         GROUP BY event, status, attempts ORDER BY event, status`,
      ),
    );
    expect(rows.map((r) => [r.event, r.status, Number(r.attempts), Number(r.n)])).toEqual([
      ['dsync.group.created', 'dead', 10, groups],
      ['dsync.user.created', 'dead', 10, pruned],
      ['dsync.user.created', 'pending', 0, users - pruned],
    ]);
    // Nothing left to queue: the pruned ones are still counted as skipped.
    const again = await redrive();
    expect(JSON.parse(again.stdout)).toEqual({ redriven: 0, skippedPruned: pruned });
  });
});
