import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMirror } from '../../src/inbox/mirror-setup.js';
import { openStore } from '../../src/store/open-store.js';
import { ensureBuilt, runCli } from './cli-harness.js';

// Events received in 2020: any "now" the CLI reads is years later, so no timing is involved.
const longAgo = new Date('2020-01-02T03:04:05.000Z');

describe('events prune and events show of a pruned event (built CLI, SQLite)', () => {
  let cwd: string;
  let database: string;
  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-prune-'));
    database = join(cwd, 'inbox.db');
    const store = await openStore({ database, migrationSets: resolveMirror(true).migrationSets });
    await store.migrate();
    for (const id of ['event_prune_done', 'event_prune_dead']) {
      await store.append({
        id,
        event: 'dsync.user.created',
        createdAt: longAgo.toISOString(),
        rawBody: Buffer.from(JSON.stringify({ id, event: 'dsync.user.created', data: {} })),
        source: 'webhook',
        receivedAt: longAgo,
      });
    }
    await store.claim({ owner: 'w', limit: 2, leaseMs: 60_000, now: longAgo });
    await store.complete('event_prune_done', 'w', async () => {}, longAgo);
    await store.fail('event_prune_dead', 'w', { error: 'x', nextAttemptAt: null, now: longAgo });
    await store.close();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCli([...args, '--database', database], { cwd });

  it('prunes done events only (dead with --include-dead), shows them as pruned, refuses to replay them', async () => {
    const bad = await cli('events', 'prune', '--older-than', 'a while');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than must be a duration');

    const first = await cli('events', 'prune', '--older-than', '30d', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ pruned: 1 });

    const shown = await cli('events', 'show', 'event_prune_done');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/pruned at +\d{4}-/);
    expect(shown.stdout).toContain('(pruned by retention: the payload and attempts were deleted)');
    const json = JSON.parse((await cli('events', 'show', 'event_prune_done', '--json')).stdout);
    expect(json).toMatchObject({ id: 'event_prune_done', status: 'done', payload: null });
    expect(json.prunedAt).toEqual(expect.any(String));

    const dead = JSON.parse((await cli('events', 'show', 'event_prune_dead', '--json')).stdout);
    expect(dead).toMatchObject({
      status: 'dead',
      prunedAt: null,
      payload: { id: 'event_prune_dead' },
    });
    const withDead = await cli('events', 'prune', '--older-than', '30d', '--include-dead');
    expect(withDead.stdout).toMatch(/^pruned 1 event in 1 transaction/);

    const replay = await cli('events', 'replay', 'event_prune_done');
    expect(replay.code).toBe(5);
    expect(replay.stderr).toContain('was pruned');

    // A redrive matching pruned events says how many it skipped and why, not a bare "queued 0".
    const redrive = await cli('events', 'redrive', '--status', 'done,dead');
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(redrive.stdout).toBe(
      'queued 0 events again\nskipped 2 events pruned by retention: their payload is no longer kept, so they cannot run again\n',
    );
    const redriveJson = await cli('events', 'redrive', '--status', 'done', '--json');
    expect(JSON.parse(redriveJson.stdout)).toEqual({ redriven: 0, skippedPruned: 1 });
  });
});
