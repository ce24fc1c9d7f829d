// `workos-inbox pull` takes the puller lease of `serve --pull` / `work --pull`: it refuses to pull
// while another live process holds it (exit 5, nothing fetched or written), takes over a lease
// whose holder died, renews it while it pulls (and stops when it finds it taken), and gives it
// back when it ends, after Ctrl-C too.
// The built CLI against the stand-in Events API, on SQLite and PostgreSQL; the test takes and
// reads the lease through the store's API.
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.js';
import { pullerLeaseName } from '../../src/pull/pull-loop.js';
import { openStore } from '../../src/store/open-store.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import type { NamedLeaseHolder } from '../../src/store/pull-operations.js';
import type { PullCursor, Store } from '../../src/store/types.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { childEnv, cliPath, ensureBuilt, runCli, waitFor } from './cli-harness.js';

// 250 events: three pages of 100.
const { events } = generateDirectoryHistory({ seed: 13, events: 250 });
const since = '2020-01-01T00:00:00Z';
let api: WorkosApiStandIn;

beforeAll(async () => {
  ensureBuilt();
  api = await startWorkosApiStandIn();
  api.events = events;
});
afterAll(() => api.close());

interface Db {
  /** `--database`: a SQLite path or a postgres:// URL. */
  database: string;
  cwd: string;
  cleanup(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  api.beforeAnswer = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fresh(kind: 'sqlite' | 'postgres'): Promise<Db> {
  const temp = createTempSqlitePath();
  let db: Db = { database: temp.path, cwd: temp.dir, cleanup: async () => temp.cleanup() };
  if (kind === 'postgres') {
    const pg = await createTestDatabase('wi_e2e_pull_lease');
    db = {
      database: pg.url,
      cwd: temp.dir,
      cleanup: async () => {
        await pg.drop();
        temp.cleanup();
      },
    };
  }
  cleanups.push(db.cleanup);
  // Migrated as `serve` would have, before anyone takes the lease.
  await withStore(db, (store) => store.migrate());
  return db;
}

/** A store on `db` for one step, closed again so the CLI has the database to itself. */
async function withStore<T>(db: Db, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ database: db.database });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

interface Seen {
  lease: NamedLeaseHolder | undefined;
  cursor: PullCursor | undefined;
  events: number;
}

function look(db: Db): Promise<Seen> {
  return withStore(db, async (store) => ({
    lease: await store.read((sql) => readNamedLease(sql, pullerLeaseName)),
    cursor: await store.pullCursor('events_api'),
    events: await store.read(async (sql) => {
      const { rows } = await sql.query<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM workos_inbox_events',
      );
      return Number(rows[0]!.n);
    }),
  }));
}

/** Another process's lease, as `serve --pull` would hold it, until `untilMs` (past: a dead holder). */
function takeAs(db: Db, owner: string, untilMs: number): Promise<boolean> {
  return withStore(db, (store) =>
    store.takeNamedLease(pullerLeaseName, owner, new Date(untilMs), new Date()),
  );
}

const env = () => ({ WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url });
const pull = (db: Db, ...args: string[]) =>
  runCli(['pull', '--database', db.database, '--since', since, ...args], {
    cwd: db.cwd,
    env: env(),
  });

describe.each(['sqlite', 'postgres'] as const)('%s: pull and the puller lease', (kind) => {
  it('another live holder: exit 5 naming it and what to do; nothing fetched, stored or moved', async () => {
    const db = await fresh(kind);
    // Well ahead: a `serve --pull` renews it every few seconds.
    const until = Date.now() + 10 * 60_000;
    expect(await takeAs(db, 'puller-serving', until)).toBe(true);
    await withStore(db, (store) =>
      store.appendPage(
        [],
        { name: 'events_api', after: null, rangeStart: '2021-06-01T00:00:00.000Z' },
        new Date(),
      ),
    );
    const before = await look(db);
    const requests = api.requests.length;
    for (const args of [[], ['--json'], ['--reset-cursor']]) {
      const r = await pull(db, ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(exitCodes.conflict);
      // --json: the failure as one object on stdout; nothing on stdout otherwise.
      if (args.includes('--json')) {
        expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'puller_lease_held' } });
      } else {
        expect(r.stdout).toBe('');
      }
      // One line on stderr, in --json mode too.
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(
        `workos-inbox: another process holds the Events API puller lease (owner puller-serving, expires ${new Date(until).toISOString()} unless renewed), so nothing was pulled: `,
      );
      expect(r.stderr).toContain('`serve --pull`');
      expect(r.stderr).toContain(
        "To pull here, or to `--reset-cursor`, first stop that process's pulling (restart it without --pull), or wait",
      );
    }
    expect(api.requests.length).toBe(requests);
    // The cursor is where it was (--reset-cursor did not reset it), nothing stored, the lease its holder's.
    expect(await look(db)).toEqual(before);
    expect(before.events).toBe(0);
    expect(before.cursor?.rangeStart).toBe('2021-06-01T00:00:00.000Z');
    expect(before.lease?.owner).toBe('puller-serving');
  });

  it('a dead holder (its lease expired): pull takes it over and pulls; gives it back', async () => {
    const db = await fresh(kind);
    expect(await takeAs(db, 'puller-died', Date.now() - 60_000)).toBe(true);
    const r = await pull(db, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      pulled: events.length,
      inserted: events.length,
      pages: 3,
    });
    const after = await look(db);
    expect(after.events).toBe(events.length);
    expect(after.cursor?.after).toBe(events.at(-1)!.id);
    expect(after.lease).toBeUndefined();
  });

  it('holds the lease while it pulls, and another owner can take it as soon as it is done', async () => {
    const db = await fresh(kind);
    const base = api.requests.length;
    // Read while WorkOS's answer to the second request waits: the first page is committed by then
    // or soon after (fetching runs ahead), so the lease has been taken and renewed.
    let during: NamedLeaseHolder | undefined;
    api.beforeAnswer = async (n) => {
      if (n !== base + 2) return;
      await waitFor(
        async () => (await look(db)).cursor?.after === events[99]!.id,
        'the first page to be committed',
      );
      during = (await look(db)).lease;
    };
    const r = await pull(db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^pulled 250 events \(250 new, 0 duplicates\) in 3 pages/);
    expect(during?.owner).toMatch(/^cli-pull-[0-9a-f-]{36}$/);
    expect((await look(db)).lease).toBeUndefined();
    expect(await takeAs(db, 'puller-next', Date.now() + 30_000)).toBe(true);
  });

  it('the lease taken from it during the pull: stops at the next page, exit 5, leaves it to the new holder', async () => {
    const db = await fresh(kind);
    const base = api.requests.length;
    // As if this pull's lease had run out and another process had taken it: its owner changes.
    api.beforeAnswer = async (n) => {
      if (n !== base + 2) return;
      await waitFor(
        async () => (await look(db)).cursor?.after === events[99]!.id,
        'the first page to be committed',
      );
      await withStore(db, (store) =>
        store.writeTransaction((sql) =>
          sql.query('UPDATE workos_inbox_named_leases SET owner = $1 WHERE name = $2', [
            'puller-took-over',
            pullerLeaseName,
          ]),
        ),
      );
    };
    const r = await pull(db);
    expect(r.code, r.stderr).toBe(exitCodes.conflict);
    expect(r.stderr).toContain(
      'workos-inbox: another process took the Events API puller lease during this pull',
    );
    // Its release gave back only its own lease: the new holder keeps it.
    expect((await look(db)).lease?.owner).toBe('puller-took-over');
  });

  it('Ctrl-C: stops after the pages stored, gives the lease back, exit 1 naming the cursor', async () => {
    const db = await fresh(kind);
    const base = api.requests.length;
    // WorkOS's answer to the second request never comes until the test is done.
    let answer = () => {};
    const held = new Promise<void>((resolve) => (answer = resolve));
    let asked = false;
    api.beforeAnswer = async (n) => {
      if (n !== base + 2) return;
      asked = true;
      await held;
    };
    const args = ['pull', '--database', db.database, '--since', since];
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: db.cwd,
      env: childEnv(env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitFor(async () => asked || child.exitCode !== null || undefined, 'request 2');
      expect(child.exitCode).toBeNull();
      await waitFor(
        async () => (await look(db)).cursor?.after === events[99]!.id,
        'the first page to be committed',
      );
      expect((await look(db)).lease?.owner).toMatch(/^cli-pull-/);
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(exitCodes.failed);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      answer();
    }
    expect(stderr).toBe(
      `workos-inbox: pull stopped by SIGINT before it caught up: the pages stored so far stay, and the next \`pull\` goes on from the cursor (after ${events[99]!.id}).\n`,
    );
    const after = await look(db);
    expect(after.lease).toBeUndefined();
    expect(after.events).toBe(100);
    expect(after.cursor?.after).toBe(events[99]!.id);
  });
});
