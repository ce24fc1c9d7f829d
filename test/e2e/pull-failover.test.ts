// Two `serve --pull` processes (the built CLI) on one database: only one pulls at a time; when it
// is SIGKILLed mid catch-up the other takes the lease over (after --lease-ms), continues from the
// committed cursor, and every event ends up stored once and handled once.
// Each process reads its own stand-in (both serve the same event array, i.e. one WorkOS), so each
// stand-in's request log says which process asked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import type { WireEvent } from '../../src/workos-api/event-list.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { ensureBuilt, killAll, startServe, waitFor } from './cli-harness.js';
import type { ServeProcess } from './cli-harness.js';

// Child processes on a loaded machine: generous bounds; every wait inside is bounded too.
const deadlineMs = 90_000;

// Each handler call writes a row through the event's transaction: one row per id = one effect.
const handlersModule = `
export default {
  async '*'(event, ctx) {
    await ctx.tx.query('INSERT INTO handled_events (id, pid) VALUES ($1, $2)', [event.id, process.pid]);
  },
};
`;

interface Database_ {
  /** --database value or DATABASE_URL */
  env: Record<string, string>;
  count(sql: string): Promise<number>;
  ids(): Promise<string[]>;
  close(): Promise<void>;
}

async function postgres(): Promise<Database_> {
  const db = await createTestDatabase('wi_e2e_pull_failover');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('CREATE TABLE handled_events (id text NOT NULL, pid integer NOT NULL)');
  return {
    env: { DATABASE_URL: db.url },
    count: async (sql) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0),
    ids: async () =>
      (await client.query<{ id: string }>('SELECT id FROM workos_inbox_events')).rows.map(
        (r) => r.id,
      ),
    close: async () => {
      await client.end();
      await db.drop();
    },
  };
}

function sqlite(dir: string): Database_ {
  const path = join(dir, 'inbox.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE handled_events (id text NOT NULL, pid integer NOT NULL)');
  return {
    env: { DATABASE_URL: path },
    count: async (sql) => {
      try {
        return Number((db.prepare(sql).get() as { n: number } | undefined)?.n ?? 0);
      } catch {
        return 0; // the inbox's tables are not there until the first process migrated
      }
    },
    ids: async () =>
      (db.prepare('SELECT id FROM workos_inbox_events').all() as Array<{ id: string }>).map(
        (r) => r.id,
      ),
    close: async () => void db.close(),
  };
}

const leader = async (serve: ServeProcess): Promise<string | undefined> =>
  /^workos_inbox_pull_leader (\d)$/m.exec(await (await fetch(`${serve.base}/metrics`)).text())?.[1];

describe.each(['postgres', 'sqlite'] as const)('%s: two serve --pull processes', (kind) => {
  const { events } = generateDirectoryHistory({ seed: 19, events: 700 });
  // One WorkOS: both stand-ins serve this array; events are appended to it during the test.
  const live: WireEvent[] = events.slice(0, 300);
  let cwd: string;
  let db: Database_;
  let apiA: WorkosApiStandIn;
  let apiB: WorkosApiStandIn;

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-pull-failover-'));
    writeFileSync(join(cwd, 'handlers.mjs'), handlersModule);
    db = kind === 'postgres' ? await postgres() : sqlite(cwd);
    apiA = await startWorkosApiStandIn();
    apiB = await startWorkosApiStandIn();
    apiA.events = live;
    apiB.events = live;
  });

  afterAll(async () => {
    killAll();
    await apiA.close();
    await apiB.close();
    await db.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('one pulls at a time; the other takes over after a SIGKILL; each event stored and handled once', async () => {
    const start = (api: WorkosApiStandIn) =>
      startServe(
        [
          '--pull',
          '--pull-since',
          '2020-01-01T00:00:00Z',
          '--pull-interval-ms',
          '200',
          '--lease-ms',
          '5000',
          '--handlers',
          './handlers.mjs',
        ],
        {
          cwd,
          timeoutMs: deadlineMs,
          env: {
            ...db.env,
            WORKOS_WEBHOOK_SECRET: 'whsec_pull_failover_secret_0123456789',
            WORKOS_INBOX_ADMIN_TOKEN: 'pull-failover-admin-token-0123456789',
            WORKOS_API_KEY: api.apiKey,
            WORKOS_API_URL: api.url,
          },
        },
      );
    const pulls = /"msg":"this process pulls the Events API/;
    const standsBy = /"msg":"another process pulls the Events API; standing by"/;

    const a = await start(apiA);
    await waitFor(async () => pulls.test(a.output().stdout), 'A to take the lease', deadlineMs);
    expect(await leader(a)).toBe('1');
    await waitFor(
      async () => (await db.count('SELECT count(*) AS n FROM handled_events')) === 300,
      'A to pull and handle the first 300 events',
      deadlineMs,
    );

    const b = await start(apiB);
    await waitFor(async () => standsBy.test(b.output().stdout), 'B to stand by', deadlineMs);
    // B ticked and found the lease held: it has not asked WorkOS anything.
    expect(await leader(b)).toBe('0');
    expect(apiB.requests).toHaveLength(0);

    // 400 more events (4 pages). A is SIGKILLed when it asks for the second of them: page 1 may
    // or may not be committed (it is stored while page 2 is fetched), the rest is not pulled.
    let asked = 0;
    let killed: Promise<number | null> | undefined;
    apiA.beforeAnswer = async () => {
      asked++;
      if (asked === 2) killed = a.stop('SIGKILL');
      if (killed) await killed;
    };
    live.push(...events.slice(300));
    await waitFor(async () => killed !== undefined, 'A to ask for the second new page', deadlineMs);
    await killed;

    await waitFor(async () => pulls.test(b.output().stdout), 'B to take the lease', deadlineMs);
    // The request A died waiting on is logged once answered (into a closed socket); then nothing.
    const aRequests = apiA.requests.length;
    await waitFor(
      async () => (await db.count('SELECT count(*) AS n FROM handled_events')) >= 700,
      'every event to be handled',
      deadlineMs,
    );
    expect(await leader(b)).toBe('1');
    // B continued from the cursor A committed, not from --pull-since.
    expect(apiB.requests.length).toBeGreaterThan(0);
    expect(apiB.requests[0]!.query.get('after')).toMatch(/^event_/);
    expect(apiB.requests[0]!.query.get('range_start')).toBeNull();
    expect(apiA.requests.length).toBe(aRequests); // the dead process asks nothing more

    // Stored once, handled once.
    const stored = await db.ids();
    expect(stored).toHaveLength(700);
    expect(new Set(stored)).toEqual(new Set(events.map((e) => e.id)));
    expect(
      await db.count("SELECT count(*) AS n FROM workos_inbox_events WHERE status = 'done'"),
    ).toBe(700);
    expect(await db.count('SELECT count(*) AS n FROM handled_events')).toBe(700);
    expect(await db.count('SELECT count(DISTINCT id) AS n FROM handled_events')).toBe(700);
    await b.stop();
  });
});
