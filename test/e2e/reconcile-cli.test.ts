// `workos-inbox reconcile`, the built CLI as a user runs it, against the stand-in WorkOS API, on a
// SQLite file and on PostgreSQL: summary as a table and as JSON, --dry-run writes nothing, exit
// codes, and a run killed with SIGKILL part way, run again, converges to WorkOS's state.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorMigrations } from '../../src/mirror/mirror-migrations.js';
import { isPostgresUrl, openStore } from '../../src/store/open-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { endLeasePauses } from '../helpers/lease-pauses.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { sampleState } from '../helpers/workos-state-fixtures.js';
import { reconcileRunLeaseName as runLease } from '../../src/reconcile/reconcile-loop.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import {
  comparedLists,
  holdReconcileRunLease,
  liveCounts,
  mirrorList,
  standInList,
} from '../reconcile/helpers.js';
import { childEnv, cliPath, ensureBuilt, runCli } from './cli-harness.js';

let api: WorkosApiStandIn;
const temp = createTempSqlitePath();
let pg: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  ensureBuilt();
  api = await startWorkosApiStandIn();
  pg = await createTestDatabase('wi_reconcile_e2e');
});
afterAll(async () => {
  await api.close();
  await pg.drop();
  temp.cleanup();
});

const env = () => ({ WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url });

async function expectMirrorEqualsState(database: string) {
  const store = await openStore({ database, migrationSets: [mirrorMigrations] });
  try {
    for (const [path, query] of comparedLists(['directory_1', 'directory_2'], ['org_1', 'org_2'])) {
      expect(await mirrorList(store, path, query), path).toEqual(
        await standInList(api, path, query),
      );
    }
    return await liveCounts(store);
  } finally {
    await store.close();
  }
}

describe.each([
  { name: 'sqlite', database: () => `${temp.dir}/reconcile.db` },
  { name: 'postgres', database: () => pg.url },
])('workos-inbox reconcile on $name', ({ database }) => {
  it('--dry-run writes nothing; a run fills the mirror and prints the summary; again: unchanged', async () => {
    api.state = sampleState({ users: 30, groups: 3 });
    const args = ['reconcile', '--database', database()];
    // Not even the schema: a dry run against a database no one has migrated says what to run.
    const unmigrated = await runCli([...args, '--dry-run'], { cwd: temp.dir, env: env() });
    expect(unmigrated.code).toBe(3);
    expect(unmigrated.stderr).toMatch(/workos-inbox migrate/);
    if (!isPostgresUrl(database())) expect(existsSync(database())).toBe(false);
    const migrated = await runCli(['migrate', '--database', database()], { cwd: temp.dir });
    expect(migrated.code, migrated.stderr).toBe(0);
    const dry = await runCli([...args, '--dry-run', '--json'], { cwd: temp.dir, env: env() });
    expect(dry.code, dry.stderr).toBe(0);
    const drySummary = JSON.parse(dry.stdout) as {
      dryRun: boolean;
      snapshotStart: string;
      tables: Record<string, { created: number }>;
    };
    expect(drySummary.dryRun).toBe(true);
    expect(Date.parse(drySummary.snapshotStart)).not.toBeNaN();
    expect(drySummary.tables.directory_users!.created).toBe(30);
    const store = await openStore({ database: database(), migrationSets: [mirrorMigrations] });
    expect(Object.values(await liveCounts(store)).every((n) => n === 0)).toBe(true);
    await store.close();

    const real = await runCli(args, { cwd: temp.dir, env: env() });
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/^table\s+created\s+updated\s+deleted\s+unchanged\n/);
    expect(real.stdout).toMatch(/\ndirectory_users\s+30\s+0\s+0\s+0\n/);
    await expectMirrorEqualsState(database());

    api.state.directoryUsers.splice(0, 3);
    const again = await runCli([...args, '--json', '--only', 'dsync'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as { tables: Record<string, Record<string, number>> };
    expect(summary.tables.directory_users).toEqual({
      created: 0,
      updated: 0,
      deleted: 3,
      unchanged: 27,
    });
    // Only the tables the scope reads: no zeros for tables it never touched.
    expect(Object.keys(summary.tables)).toEqual([
      'directories',
      'directory_groups',
      'directory_users',
      'directory_group_memberships',
    ]);

    // One directory: its summary names the dsync tables alone, as a table and as JSON.
    const one = await runCli([...args, '--dry-run', '--directory', 'directory_1'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(one.code, one.stderr).toBe(0);
    const rows = one.stdout
      .split('\n')
      .slice(3)
      .filter((line) => line !== '')
      .map((line) => line.split(/\s+/)[0]);
    expect(rows).toEqual([
      'directories',
      'directory_groups',
      'directory_users',
      'directory_group_memberships',
    ]);
    const families = await runCli([...args, '--json', '--only', 'connections,user_management'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(families.code, families.stderr).toBe(0);
    expect(Object.keys((JSON.parse(families.stdout) as typeof summary).tables)).toEqual([
      'connections',
      'users',
      'organization_memberships',
    ]);
    // The whole environment, or one organization: every table.
    const organization = await runCli([...args, '--json', '--dry-run', '--organization', 'org_1'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(organization.code, organization.stderr).toBe(0);
    expect(Object.keys((JSON.parse(organization.stdout) as typeof summary).tables)).toHaveLength(9);
  });

  it('SIGKILLed part way and run again: converges to WorkOS state', async () => {
    const state = sampleState({ users: 450, groups: 5 });
    state.directoryUsers.splice(0, 40); // users the first test's mirror has, gone from WorkOS
    api.state = state;
    const base = api.requests.length;
    const child = spawn(process.execPath, [cliPath, 'reconcile', '--database', database()], {
      cwd: temp.dir,
      env: childEnv(env()),
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_, signal) => resolve(signal)),
    );
    // Killed while it waits for the third page of directory users.
    api.beforeAnswer = async () => {
      const usersPages = api.requests
        .slice(base)
        .filter((r) => r.url.startsWith('/directory_users')).length;
      if (usersPages === 2 && !child.killed) {
        child.kill('SIGKILL');
        await exited;
      }
    };
    try {
      expect(await exited).toBe('SIGKILL');
    } finally {
      api.beforeAnswer = undefined;
    }
    // Its run lease outlives it (30 s unrenewed): until then another run is refused, as beside
    // a live reconcile; once it has run out (moved into the past here), the next run takes over.
    const refused = await runCli(['reconcile', '--database', database()], {
      cwd: temp.dir,
      env: env(),
    });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(
      /another reconcile is running on this database \(owner cli-reconcile-/,
    );
    await expireRunLease(database());
    const again = await runCli(['reconcile', '--database', database(), '--json'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(again.code, again.stderr).toBe(0);
    const counts = await expectMirrorEqualsState(database());
    expect(counts.workos_directory_users).toBe(410);
  });

  it('exit 2 on a bad scope, --max-rps or --api-timeout-ms, or without a key; exit 1 saying where it stopped', async () => {
    const args = ['reconcile', '--database', database()];
    const only = await runCli([...args, '--only', 'dsync,nope'], { cwd: temp.dir, env: env() });
    expect(only.code).toBe(2);
    expect(only.stderr).toContain('--only "nope"');
    const rps = await runCli([...args, '--max-rps', '0'], { cwd: temp.dir, env: env() });
    expect(rps.code).toBe(2);
    // Number('0x10') is 16: only a decimal is a rate.
    const hex = await runCli([...args, '--max-rps', '0x10'], { cwd: temp.dir, env: env() });
    expect(hex.code).toBe(2);
    expect(hex.stderr).toContain('--max-rps "0x10"');
    // An id WorkOS does not know: said, not a clean-looking run.
    const unknown = await runCli([...args, '--dry-run', '--organization', 'org_nope'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(unknown.code, unknown.stderr).toBe(0);
    expect(unknown.stderr).toContain(
      'WorkOS has no organization org_nope (404): what the mirror had of it would be deleted',
    );
    // An unset shell variable (`--organization "$ORG"`) must not widen the run to every one.
    for (const flag of ['--organization', '--directory']) {
      const empty = await runCli([...args, '--dry-run', flag, ''], { cwd: temp.dir, env: env() });
      expect(empty.code, flag).toBe(2);
      expect(empty.stderr).toContain(`${flag} is empty`);
      expect(empty.stdout).toBe('');
    }
    const timeout = await runCli([...args, '--api-timeout-ms', 'soon'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--api-timeout-ms (WORKOS_API_TIMEOUT_MS)');
    const both = await runCli([...args, '--directory', 'd', '--organization', 'o'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(both.code).toBe(2);
    const noKey = await runCli(args, { cwd: temp.dir, env: { WORKOS_API_URL: api.url } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('WORKOS_API_KEY');
    // WorkOS keeps failing on the connections list: the first try and the client's 5 retries.
    api.state = sampleState();
    const fault = { status: 503, retryAfter: '0' };
    api.failNext(fault, fault, fault, fault, fault, fault);
    const failed = await runCli([...args, '--only', 'connections', '--max-rps', '1000'], {
      cwd: temp.dir,
      env: env(),
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('reconcile stopped while reading connections');
    expect(failed.stderr).toContain('503');
    // It stopped on its first list: no table of zeros, and it says nothing was written.
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('Nothing was compared, so nothing was written.');
    // With --json, scripts get the summary anyway, naming where it stopped.
    api.failNext(fault, fault, fault, fault, fault, fault);
    const failedJson = await runCli(
      [...args, '--only', 'connections', '--max-rps', '1000', '--json'],
      { cwd: temp.dir, env: env() },
    );
    expect(failedJson.code).toBe(1);
    expect(JSON.parse(failedJson.stdout)).toMatchObject({
      dryRun: false,
      stoppedAt: 'reading connections',
      tables: { connections: { created: 0, updated: 0, deleted: 0, unchanged: 0 } },
    });
    // A wrong key: exit 2, naming the variable; a dry run never claims to have written.
    const refused = await runCli([...args, '--dry-run'], {
      cwd: temp.dir,
      env: { WORKOS_API_URL: api.url, WORKOS_API_KEY: 'sk_test_wrong' },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('WORKOS_API_KEY');
    expect(refused.stderr).toContain('Nothing was written (dry run).');
  });

  it('one reconcile at a time: exit 5 beside a running one (a dry run still runs); a run holds the lease while it writes and gives it back', async () => {
    // The state the SIGKILL test converged to (users it tombstoned stay deleted: a tombstone
    // blocks the resurrection of a row by an object no newer than it).
    api.state = sampleState({ users: 450, groups: 5 });
    api.state.directoryUsers.splice(0, 40);
    const args = ['reconcile', '--database', database()];
    const store = await openStore({ database: database(), migrationSets: [mirrorMigrations] });
    try {
      await store.migrate();
      // A periodic reconcile of `serve --reconcile-every` is running.
      await holdReconcileRunLease(store, 60_000);
      const before = api.requests.length;
      const refused = await runCli(args, { cwd: temp.dir, env: env() });
      expect(refused.code).toBe(5);
      expect(refused.stderr).toContain(
        'another reconcile is running on this database (owner reconcile-serve-1, expires',
      );
      expect(refused.stderr).toContain('--dry-run');
      expect(api.requests.length).toBe(before); // nothing read from WorkOS
      const dry = await runCli([...args, '--dry-run', '--json'], { cwd: temp.dir, env: env() });
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true });

      // Its holder died: once the lease has run out, a run takes it, holds it while it reads
      // and writes, and gives it back at the end.
      await expireRunLease(database());
      const holders = new Set<string | undefined>();
      api.beforeAnswer = async () => {
        holders.add((await store.read((db) => readNamedLease(db, runLease)))?.owner);
      };
      let ran;
      try {
        ran = await runCli(args, { cwd: temp.dir, env: env() });
      } finally {
        api.beforeAnswer = undefined;
      }
      expect(ran.code, ran.stderr).toBe(0);
      expect([...holders]).toEqual([expect.stringMatching(/^cli-reconcile-/)]);
      expect(await store.read((db) => readNamedLease(db, runLease))).toBeUndefined();
      await expectMirrorEqualsState(database());
    } finally {
      await store.close();
    }
  });

  it('Ctrl-C stops a run at the request in flight: exit 1 saying where, the lease given back, what was compared kept', async () => {
    api.state = sampleState({ users: 450, groups: 5 });
    api.state.directoryUsers.splice(0, 40);
    const base = api.requests.length;
    const child = spawn(process.execPath, [cliPath, 'reconcile', '--database', database()], {
      cwd: temp.dir,
      env: childEnv(env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Interrupted while it waits for the third page of directory users.
    api.beforeAnswer = async () => {
      const usersPages = api.requests
        .slice(base)
        .filter((r) => r.url.startsWith('/directory_users')).length;
      if (usersPages === 3 && child.exitCode === null && !child.killed) {
        child.kill('SIGINT');
        await exited;
      }
    };
    try {
      expect(await exited).toBe(1);
    } finally {
      api.beforeAnswer = undefined;
    }
    expect(stderr).toContain('reconcile stopped by SIGINT while reading directory users');
    expect(stderr).toContain('run reconcile again to finish');
    expect(stdout).toMatch(/^table\s+created/);
    const store = await openStore({ database: database() });
    try {
      expect(await store.read((db) => readNamedLease(db, runLease))).toBeUndefined();
    } finally {
      await store.close();
    }
    const again = await runCli(['reconcile', '--database', database()], {
      cwd: temp.dir,
      env: env(),
    });
    expect(again.code, again.stderr).toBe(0);
    await expectMirrorEqualsState(database());
  });

  it('a Retry-After longer than the client waits: exit 1 at once, naming the wait, the time and that running again after it is the way on (--json: retryAfterMs, retryAt)', async () => {
    api.state = sampleState();
    const args = ['reconcile', '--database', database()];
    const hour = { status: 429, retryAfter: '3600' };
    const wait =
      'its Retry-After asks to wait 3600 s (1 h), longer than the 60 s this client waits at most, so it was not retried; try again after ';
    // Refused on the first request: nothing compared.
    api.failNext(hour);
    let before = api.requests.length;
    const first = await runCli(args, { cwd: temp.dir, env: env() });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain(
      `reconcile stopped while reading organizations: GET /organizations: 429 injected 429: ${wait}`,
    );
    expect(first.stderr).toContain(
      'Nothing was compared, so nothing was written; run reconcile again after that time.',
    );
    expect(api.requests.length).toBe(before + 1);
    // Run again before that time (by hand, a cron, the periodic run of a restarted serve): the
    // pause is kept with the run lease, so WorkOS is not asked; the failure is the same (exit 1,
    // the time), a dry run's too.
    const retryAt = /try again after (\S+)\n/.exec(first.stderr)![1]!;
    const paused = `reconcile is paused until ${retryAt}, as WorkOS asked (GET /organizations: 429 injected 429, with a Retry-After of 3600 s (1 h)); the pause is kept in the database for every process, so nothing was asked of WorkOS; try again after ${retryAt}`;
    const early = await runCli([...args, '--json'], { cwd: temp.dir, env: env() });
    expect(early.code, early.stderr).toBe(1);
    const refused = (
      JSON.parse(early.stdout) as { error: { code: string; message: string; retryAfterMs: number } }
    ).error;
    expect(refused).toMatchObject({
      code: 'workos_api_unavailable',
      retryAt,
      message: `${paused}\nNothing was compared, so nothing was written; run reconcile again after that time.`,
    });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(3600_000);
    const earlyDry = await runCli([...args, '--dry-run'], { cwd: temp.dir, env: env() });
    expect(earlyDry.code, earlyDry.stderr).toBe(1);
    expect(earlyDry.stderr).toContain(
      `${paused}\nNothing was written (dry run). Run it again after that time.`,
    );
    expect(api.requests.length).toBe(before + 1);
    // Part way (the third request, the first directory's groups): what was compared stays.
    await endLeasePauses(database());
    before = api.requests.length;
    api.beforeAnswer = (n) => {
      if (n === before + 3) api.failNext(hour);
    };
    try {
      const later = await runCli(args, { cwd: temp.dir, env: env() });
      expect(later.code, later.stderr).toBe(1);
      expect(later.stderr).toContain(wait);
      expect(later.stderr).toContain(
        'What was compared before that is written; run reconcile again after that time to finish.',
      );
      expect(api.requests.length).toBe(before + 3);
    } finally {
      api.beforeAnswer = undefined;
    }
    await endLeasePauses(database());
    api.failNext(hour);
    const dry = await runCli([...args, '--dry-run'], { cwd: temp.dir, env: env() });
    expect(dry.code, dry.stderr).toBe(1);
    expect(dry.stderr).toContain('Nothing was written (dry run). Run it again after that time.');
    // --json: the wait and the time to run it again, for a script to schedule it.
    api.failNext(hour);
    const asked = Date.now();
    const json = await runCli([...args, '--json'], { cwd: temp.dir, env: env() });
    expect(json.code, json.stderr).toBe(1);
    const summary = JSON.parse(json.stdout) as {
      stoppedAt: string;
      error: { code: string; message: string; retryAfterMs: number; retryAt: string };
    };
    expect(summary).toMatchObject({
      stoppedAt: 'reading organizations',
      error: { code: 'reconcile_stopped', retryAfterMs: 3600_000 },
    });
    expect(summary.error.message).toContain(`${wait}${summary.error.retryAt}`);
    expect(Date.parse(summary.error.retryAt)).toBeGreaterThanOrEqual(asked + 3600_000);
    expect(Date.parse(summary.error.retryAt)).toBeLessThanOrEqual(Date.now() + 3600_000);
    // A failure WorkOS named no wait for has neither field.
    await endLeasePauses(database());
    const fault = { status: 503, retryAfter: '0' };
    api.failNext(fault, fault, fault, fault, fault, fault);
    const failed = await runCli([...args, '--json'], { cwd: temp.dir, env: env() });
    expect(failed.code, failed.stderr).toBe(1);
    const error = (JSON.parse(failed.stdout) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ code: 'reconcile_stopped' });
    expect(error).not.toHaveProperty('retryAfterMs');
    expect(error).not.toHaveProperty('retryAt');
  });
});

/** As if the run lease's holder had died long enough ago: its lease has run out. */
async function expireRunLease(database: string): Promise<void> {
  const store = await openStore({ database });
  try {
    await store.writeTransaction((tx) =>
      tx.query(`UPDATE workos_inbox_named_leases SET expires_at = $1 WHERE name = $2`, [
        new Date(Date.now() - 1000),
        runLease,
      ]),
    );
  } finally {
    await store.close();
  }
}
