// SIGKILL a process in the middle of a pull, start another: no gap, no event stored twice, the
// cursor at the last event. Killed both while it waits for a page (pages before it committed) and
// right after a page was answered (possibly inside the page's transaction).
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxUncommittedPages } from '../../src/pull/puller.js';
import { openStore } from '../../src/store/open-store.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { useBackends } from '../store/backends.js';
import type { TestDb } from '../store/backends.js';
import { until } from '../helpers/until.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

const fixture = fileURLToPath(new URL('./fixtures/pull-child.ts', import.meta.url));
const { events } = generateDirectoryHistory({ seed: 21, events: 2_650 });
const backends = useBackends();
let api: WorkosApiStandIn;

beforeAll(async () => {
  api = await startWorkosApiStandIn();
  api.events = events;
});
afterAll(() => api.close());

function env(options: { database: string; schema?: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PULL_DATABASE: options.database,
    PULL_SCHEMA: options.schema ?? '',
    WORKOS_API_KEY: api.apiKey,
    WORKOS_API_URL: api.url,
  };
}

/** Start the child; SIGKILL it when the stand-in reaches request `killAt` (before or after answering it). */
async function pullAndKill(
  options: { database: string; schema?: string },
  killAt: number,
  when: 'before' | 'after',
) {
  // The stand-in numbers requests since it started: count this child's from here.
  const base = api.requests.length;
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: env(options),
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_, signal) => resolve(signal)),
  );
  const kill = async (n: number) => {
    if (n === base + killAt) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  if (when === 'before') api.beforeAnswer = kill;
  else api.afterAnswer = kill;
  try {
    expect(await exited).toBe('SIGKILL');
  } finally {
    api.beforeAnswer = undefined;
    api.afterAnswer = undefined;
  }
}

/**
 * The connections of the killed child, named in its database URL (the URL's `application_name`
 * wins over the store's). PostgreSQL runs a statement the child sent before it died to its end,
 * and commits it: the test reads the tables only once those sessions are gone.
 */
function childDatabase(options: { database: string; schema?: string }, name: string) {
  if (!options.schema) return options;
  const url = new URL(options.database);
  url.searchParams.set('application_name', name);
  return { ...options, database: url.toString() };
}

function sessionsGone(sql: TestDb['sql'], name: string): Promise<void> {
  return until(async () => {
    const [row] = await sql<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    return Number(row!.n) === 0;
  }, `the killed child's sessions (${name}) to end`);
}

describe.each(backends)('a pull killed with SIGKILL on $name', (backend) => {
  it.each([
    // Late enough that some pages have committed: fetching runs up to maxUncommittedPages ahead.
    ['waiting for page 22', 22, 'before'],
    ['just after page 21 was answered', 21, 'after'],
  ] as const)('%s: the next pull fills the rest, nothing twice', async (_, killAt, when) => {
    const db = backend.fresh();
    const name = `pull_sigkill_${db.options.schema ?? 'sqlite'}`;
    const options = childDatabase(db.options as { database: string; schema?: string }, name);
    await pullAndKill(options, killAt, when);
    if (options.schema) await sessionsGone(db.sql, name);
    const store = await openStore(db.options);
    await store.migrate();
    const cursor = await store.pullCursor('events_api');
    // Pages 1..killAt-1 (or up to killAt) are in; the cursor sits on a page boundary.
    const before = (
      await db.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM workos_inbox_events')
    )[0]!.n;
    expect(Number(before) % 100).toBe(0);
    // Fetching runs ahead of storing by at most maxUncommittedPages pages (the one asked for
    // included), so the kill may land before those commit.
    expect(Number(before)).toBeGreaterThanOrEqual((killAt - maxUncommittedPages) * 100);
    expect(cursor?.after).toBe(events[Number(before) - 1]!.id);
    await store.close();

    const out = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
      env: env(options),
    });
    const result = JSON.parse(out.stdout) as { inserted: number; duplicates: number };
    expect(result.inserted).toBe(events.length - Number(before));
    expect(result.duplicates).toBe(0);
    const rows = await db.sql<{ id: string; source: string }>(
      'SELECT id, source FROM workos_inbox_events ORDER BY id',
    );
    expect(rows.map((r) => r.id)).toEqual(events.map((e) => e.id).sort());
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['events_api']));
    const status = await db.sql<{ after_id: string }>(
      'SELECT after_id FROM workos_inbox_pull_cursors',
    );
    expect(status).toEqual([{ after_id: events.at(-1)!.id }]);
  });
});
