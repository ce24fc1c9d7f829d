// `workos-inbox deliveries …` through the built CLI on SQLite and PostgreSQL, against a database
// prepared in the test's process (destinations written, events appended): no `serve` needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncDestinations } from '../../src/forward/delivery-operations.js';
import { resolveMirror } from '../../src/inbox/mirror-setup.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { newEvent } from '../store/backends.js';
import { ensureBuilt, runCli } from './cli-harness.js';

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
});
