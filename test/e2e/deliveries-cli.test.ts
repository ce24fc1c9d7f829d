// `workos-inbox deliveries …` through the built CLI on SQLite and PostgreSQL, against a database
// prepared in the test's process (destinations written, events appended): no `serve` needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncDestinations } from '../../src/forward/delivery-operations.js';
import { eventDeliveries } from '../../src/forward/delivery-queries.js';
import { resolveMirror } from '../../src/inbox/mirror-setup.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { newEvent } from '../store/backends.js';
import { ensureBuilt, killAll, runCli, startServe, waitFor } from './cli-harness.js';

describe.each(['sqlite', 'postgres'] as const)('`deliveries` commands on %s', (kind) => {
  let cwd: string;
  const drops: (() => Promise<void>)[] = [];
  const stores: Store[] = [];
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-deliveries-cli-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  afterAll(async () => {
    killAll();
    for (const drop of drops) await drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  let databases = 0;
  /** A migrated database with the destinations `app` (every event) and `old`, and one event. */
  async function prepared(): Promise<{ db: string; store: Store }> {
    let db = join(cwd, `inbox-${databases++}.db`);
    if (kind === 'postgres') {
      const pg = await createTestDatabase('wi_e2e_deliveries_cli');
      drops.push(pg.drop);
      db = pg.url;
    }
    const store = await openStore({
      database: db,
      migrationSets: resolveMirror(true).migrationSets,
      poolSize: 2,
    });
    stores.push(store);
    await store.migrate();
    await store.writeTransaction((tx) =>
      syncDestinations(tx, [
        { name: 'app', events: ['*'], ordered: false },
        { name: 'old', events: ['*'], ordered: false },
      ]),
    );
    await store.append(newEvent());
    return { db, store };
  }

  const cli = (...args: string[]) => runCli(['deliveries', ...args], { cwd });

  it('`redrive` takes only pending, retrying or dead: delivered and delivering exit 2', async () => {
    const { db } = await prepared();
    for (const status of ['delivered', 'delivering']) {
      const r = await cli('redrive', '--status', status, '--database', db);
      expect(r.code, `${status}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`--status ${status}`);
      expect(r.stderr).toContain('pending, retrying or dead');
      expect(r.stdout).toBe('');
    }
    const ok = await cli('redrive', '--status', 'pending', '--database', db);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('redriven 2 deliveries\n');
  });

  it('`remove` stops queuing for a destination, keeps its deliveries, and is idempotent', async () => {
    const { db, store } = await prepared();
    const removed = await cli('remove', 'old', '--database', db);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('removed old: new events queue no delivery for it');
    expect(removed.stdout).toContain(
      '1 of its deliveries is unfinished (pending 1, retrying 0, delivering 0, dead 0)',
    );
    expect(removed.stdout).toContain('deliveries redrive --destination old');
    expect(removed.stdout).toContain('leave them to retention');
    expect(removed.stdout).toContain('--forward-to');
    // New events queue a delivery for app only; old's delivery is still listed.
    const later = newEvent();
    await store.append(later);
    expect(
      (await store.read((d) => eventDeliveries(d, later.id))).map((x) => x.destination),
    ).toEqual(['app']);
    const listed = await cli('list', '--destination', 'old', '--json', '--database', db);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    // Again: nothing to remove, said plainly, exit 0.
    const again = await cli('remove', 'old', '--database', db);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('old is not configured (removed already)');
    expect(again.stdout).toContain('1 of its deliveries is unfinished');
    // A name nothing knows: exit 4 as `resume` does, with the names there are.
    const typo = await cli('remove', 'ap', '--database', db);
    expect(typo.code).toBe(4);
    expect(typo.stderr).toContain('no destination named ap. Did you mean: app');
    // The help lists it beside the other deliveries commands.
    const help = await cli('--help');
    expect(help.stdout).toMatch(/remove \[options\] <destination>/);
  });

  it('`serve` and `work` that run the worker without --forward-to warn of stored destinations', async () => {
    const { db } = await prepared();
    const warning =
      /"msg":"the database has forwarding destinations, but this process has no --forward-to[^\n]*deliveries remove/;
    const warnings = (stdout: string) => stdout.split('\n').filter((line) => warning.test(line));
    const run = async (command: 'serve' | 'work', ...args: string[]) => {
      const p = await startServe(['--database', db, ...args], { cwd, command });
      if (command === 'work' || !args.includes('--no-worker')) {
        await waitFor(async () => warnings(p.output().stdout).length > 0, `${command}'s warning`);
      }
      expect(await p.stop('SIGTERM')).toBe(0);
      return warnings(p.output().stdout);
    };
    const [line] = await run('work');
    expect(JSON.parse(line!)).toMatchObject({ level: 40, destinations: ['app', 'old'] });
    // Once, from the worker thread (the main thread runs no worker).
    expect(await run('serve')).toHaveLength(1);
    // A receiver only queues: nothing is expected of it.
    expect(await run('serve', '--no-worker')).toEqual([]);
  });
});
