// `serve --reconcile-every`, the built CLI as a user runs it, against the stand-in WorkOS API: an
// empty mirror is filled by the first run (at start, not an interval later), serve's read API and
// `directory users` then answer with WorkOS's state, and /metrics reports the run: as a fill, not
// as repaired drift, and its failed requests to WorkOS by status. A Retry-After longer than the
// client waits pauses the run (said in the log with when it resumes), and SIGTERM during that
// pause exits 0 at once, saying so at info (a deploy is no failed run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileLeaseName, reconcileRunLeaseName } from '../../src/reconcile/reconcile-loop.js';
import { openStore } from '../../src/store/open-store.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import { patienceMs } from '../helpers/patience.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { sampleState } from '../helpers/workos-state-fixtures.js';
import { comparedLists, servedList, standInList } from '../reconcile/helpers.js';
import { ensureBuilt, killAll, runCli, startServe, waitFor } from './cli-harness.js';

const adminToken = 'reconcile-admin-token-0123456789';
let api: WorkosApiStandIn;
const temp = createTempSqlitePath();

beforeAll(async () => {
  ensureBuilt();
  api = await startWorkosApiStandIn();
});
afterAll(async () => {
  killAll();
  await api.close();
  temp.cleanup();
});

describe('serve --reconcile-every', () => {
  it('fills an empty mirror at start; the read API, the CLI and /metrics show the run', async () => {
    api.state = sampleState({ users: 30, groups: 3 });
    const env = {
      DATABASE_URL: temp.path,
      WORKOS_WEBHOOK_SECRET: 'whsec_reconcile_e2e_0123456789',
      WORKOS_INBOX_ADMIN_TOKEN: adminToken,
      WORKOS_API_KEY: api.apiKey,
      WORKOS_API_URL: api.url,
    };
    // WorkOS refuses the first two requests (the client retries them at once): counted by status.
    api.failNext({ status: 429, retryAfter: '0' }, { status: 500, retryAfter: '0' });
    const serve = await startServe(['--reconcile-every', '1h'], { cwd: temp.dir, env });
    try {
      const metrics = await waitFor(async () => {
        const text = await (await fetch(`${serve.base}/metrics`)).text();
        return /^workos_inbox_reconcile_runs_total\{outcome="success"\} 1$/m.test(text) && text;
      }, 'a successful reconcile run in /metrics');
      expect(metrics).toMatch(/^workos_inbox_reconcile_last_run_success 1$/m);
      expect(metrics).toMatch(/^workos_inbox_reconcile_api_errors_total\{status="429"\} 1$/m);
      expect(metrics).toMatch(/^workos_inbox_reconcile_api_errors_total\{status="500"\} 1$/m);
      expect(metrics).toMatch(
        /^workos_inbox_reconcile_rows_filled_total\{table="directory_users"\} 30$/m,
      );
      expect(metrics).toMatch(
        /^workos_inbox_reconcile_rows_repaired_total\{table="directory_users",change="created"\} 0$/m,
      );
      expect(
        metrics
          .split('\n')
          .filter((line) => line.startsWith('workos_inbox_reconcile_rows_repaired_total{'))
          .filter((line) => !line.endsWith(' 0')),
      ).toEqual([]);

      for (const [path, query] of comparedLists(
        ['directory_1', 'directory_2'],
        ['org_1', 'org_2'],
      )) {
        expect(await servedList(serve.base, adminToken, path, query), path).toEqual(
          await standInList(api, path, query),
        );
      }
      const listed = await runCli(['directory', 'users', '--json'], { cwd: temp.dir, env });
      expect(listed.code, listed.stderr).toBe(0);
      const ids = listed.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => (JSON.parse(line) as { id: string }).id);
      expect(ids.sort()).toEqual(api.state.directoryUsers.map((u) => String(u.id)).sort());

      expect(await serve.stop()).toBe(0);
      expect(serve.output().stdout).toContain('"msg":"reconcile filled empty mirror tables"');
      expect(serve.output().stdout).not.toContain('"msg":"reconcile repaired the mirror"');
    } finally {
      await serve.stop('SIGKILL');
    }
  });

  it('a Retry-After of an hour pauses the run, logged with when it resumes; SIGTERM during the pause exits 0 at once', async () => {
    api.state = sampleState({ users: 30, groups: 3 });
    const database = `${temp.dir}/paused.db`;
    const env = {
      DATABASE_URL: database,
      WORKOS_WEBHOOK_SECRET: 'whsec_reconcile_e2e_0123456789',
      WORKOS_INBOX_ADMIN_TOKEN: adminToken,
      WORKOS_API_KEY: api.apiKey,
      WORKOS_API_URL: api.url,
    };
    // The third request of the run (the first directory's groups) is refused for an hour.
    const before = api.requests.length;
    api.beforeAnswer = (n) => {
      if (n === before + 3) api.failNext({ status: 429, retryAfter: '3600' });
    };
    const asked = Date.now();
    const serve = await startServe(['--reconcile-every', '1h'], { cwd: temp.dir, env });
    try {
      const line = await waitFor(async () => {
        const lines = serve
          .output()
          .stdout.split('\n')
          .filter((l) => l.includes('"msg":"reconcile '));
        return lines.find((l) => /"msg":"reconcile (paused|stopped)/.test(l));
      }, 'the run to pause');
      const paused = JSON.parse(line) as { msg: string; until: string; level: number };
      expect(paused.msg).toMatch(/^reconcile paused until \S+, as WorkOS's Retry-After asks/);
      expect(paused.level).toBe(40);
      const until = Date.parse(paused.until);
      expect(until).toBeGreaterThanOrEqual(asked + 3600_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 3600_000);
      // 0: the pause ended at once (a drain still waiting would have run out of time, exit 1).
      expect(await serve.stop('SIGTERM', patienceMs)).toBe(0);
      expect(serve.output().stdout).toContain('"msg":"stopped cleanly"');
      // A deploy is no failure: said once, at info, with when the next run may start.
      const stopped = serve
        .output()
        .stdout.split('\n')
        .filter((l) => l.includes('"msg":"reconcile stopped'))
        .map((l) => JSON.parse(l) as { msg: string; until: string; level: number });
      expect(stopped).toEqual([
        expect.objectContaining({
          level: 30,
          until: paused.until,
          msg: `reconcile stopped by shutdown during the pause WorkOS asked for; the next run starts over, not before ${paused.until}`,
        }),
      ]);
      expect(api.requests.length).toBe(before + 3);
      const store = await openStore({ database });
      try {
        // The run lease is given back (free to take) and keeps the pause WorkOS asked for, so a
        // process that takes it, this one restarted or another, waits for it too.
        const runLease = await store.read((db) => readNamedLease(db, reconcileRunLeaseName));
        expect(runLease?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
        expect(runLease?.pause?.until.getTime()).toBe(until);
        // No process asks WorkOS again before the time it named.
        expect(
          (await store.read((db) => readNamedLease(db, reconcileLeaseName)))?.expiresAt.getTime(),
        ).toBe(until);
      } finally {
        await store.close();
      }
    } finally {
      api.beforeAnswer = undefined;
      await serve.stop('SIGKILL');
    }
  });
});
