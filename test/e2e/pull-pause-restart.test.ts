// `serve --pull` told by WorkOS to wait an hour (a Retry-After longer than the client waits) and
// then SIGKILLed, on a SQLite file and on PostgreSQL, the built CLI as a user runs it: the pause
// is kept in the database with the puller lease, so the restarted `serve --pull` asks the stand-in
// nothing and logs once that it waits and until when, and a `pull` by hand is refused as a
// Retry-After refuses it (exit 1, retryAfterMs and retryAt), nothing asked either. The lease's
// expiry is moved into the past (as if --lease-ms had gone by since the kill) rather than waited for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullerLeaseName } from '../../src/pull/pull-loop.js';
import { openStore } from '../../src/store/open-store.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { ensureBuilt, killAll, runCli, startServe, waitFor } from './cli-harness.js';

const { events } = generateDirectoryHistory({ seed: 12, events: 20 });
let api: WorkosApiStandIn;
const temp = createTempSqlitePath();
let pg: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  ensureBuilt();
  api = await startWorkosApiStandIn();
  api.events = events;
  pg = await createTestDatabase('wi_pull_pause_e2e');
});
afterAll(async () => {
  killAll();
  await api.close();
  await pg.drop();
  temp.cleanup();
});

/** The first log line of `serve` whose message starts with `start`, parsed. */
function logLine(stdout: string, start: string): { msg: string; until: string } | undefined {
  const line = stdout.split('\n').find((l) => l.includes(`"msg":"${start}`));
  return line === undefined ? undefined : (JSON.parse(line) as { msg: string; until: string });
}

describe.each([
  { name: 'sqlite', database: () => temp.path },
  { name: 'postgres', database: () => pg.url },
])('serve --pull paused by WorkOS, then SIGKILLed, on $name', ({ database }) => {
  it('the restarted process and `pull` ask WorkOS nothing before the time it named', async () => {
    const env = {
      DATABASE_URL: database(),
      WORKOS_WEBHOOK_SECRET: 'whsec_pull_pause_e2e_0123456789',
      WORKOS_API_KEY: api.apiKey,
      WORKOS_API_URL: api.url,
    };
    api.failNext({ status: 429, retryAfter: '3600' });
    const before = api.requests.length;
    const first = await startServe(['--pull', '--pull-since', '2020-01-01T00:00:00Z'], {
      cwd: temp.dir,
      env,
    });
    let paused: { msg: string; until: string };
    try {
      // Said once it is recorded in the database.
      paused = await waitFor(
        async () => logLine(first.output().stdout, 'Events API pull paused until'),
        'the pull to pause',
      );
    } finally {
      await first.stop('SIGKILL');
    }
    expect(api.requests.length).toBe(before + 1);
    // As if --lease-ms had gone by since the kill: the dead holder's lease has run out.
    const store = await openStore({ database: database() });
    try {
      await store.writeTransaction((tx) =>
        tx.query('UPDATE workos_inbox_named_leases SET expires_at = $1 WHERE name = $2', [
          new Date(Date.now() - 1000),
          pullerLeaseName,
        ]),
      );
    } finally {
      await store.close();
    }
    const restarted = await startServe(['--pull'], { cwd: temp.dir, env });
    try {
      // Either it says it waits, or it asked WorkOS (which it must not): whichever comes first.
      const waits = await waitFor(
        async () =>
          logLine(restarted.output().stdout, 'Events API pull waits until') ??
          (api.requests.length > before + 1 ? { msg: 'asked WorkOS', until: '' } : undefined),
        'the restarted process to wait',
      );
      expect(api.requests.length).toBe(before + 1);
      expect(waits.until).toBe(paused.until);
      expect(waits.msg).toContain(
        'WorkOS asked not to be asked again before then (GET /events: 429 injected 429, with a Retry-After of 3600 s (1 h)), a pause kept in the database',
      );
      // A clean stop gives the lease back; the pause stays with it.
      expect(await restarted.stop('SIGTERM')).toBe(0);
    } finally {
      await restarted.stop('SIGKILL');
    }
    const pulled = await runCli(['pull', '--json'], { cwd: temp.dir, env });
    expect(pulled.code, pulled.stderr).toBe(1);
    const { error } = JSON.parse(pulled.stdout) as {
      error: { code: string; retryAfterMs: number; retryAt: string };
    };
    expect(error).toMatchObject({ code: 'workos_api_unavailable', retryAt: paused.until });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3600_000);
    expect(api.requests.length).toBe(before + 1);
    // Kept, with why, until its time.
    const after = await openStore({ database: database() });
    try {
      expect((await after.read((db) => readNamedLease(db, pullerLeaseName)))?.pause).toEqual({
        until: new Date(paused.until),
        reason: 'GET /events: 429 injected 429, with a Retry-After of 3600 s (1 h)',
      });
    } finally {
      await after.close();
    }
  });
});
