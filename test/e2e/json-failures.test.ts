// Every command's --json is for scripts (`workos-inbox reconcile --json | jq`): whatever fails,
// exactly one JSON object on stdout, `{ "error": { code, message } }`, with the exit code
// docs/cli.md gives and the line for a person still on stderr. A usage error, a database that
// cannot be opened, an id not found and (for reconcile) a lease held elsewhere once printed
// nothing, or (deliveries redrive) the store's raw code rather than the one the exit code says.
// The built CLI; no WorkOS is ever asked (each fails before its first request).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.js';
import { openStore } from '../../src/store/open-store.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { holdReconcileRunLease } from '../reconcile/helpers.js';
import { ensureBuilt, freePort, runCli } from './cli-harness.js';
import type { CliResult } from './cli-harness.js';

const temp = createTempSqlitePath();
beforeAll(() => ensureBuilt());
afterAll(() => temp.cleanup());

// A key the client accepts and a URL nothing answers: these failures come before any request.
const env = { WORKOS_API_KEY: 'sk_test_unused', WORKOS_API_URL: 'http://127.0.0.1:9' };
const run = (args: readonly string[], extra: Record<string, string | undefined> = {}) =>
  runCli(args, { cwd: temp.dir, env: { ...env, ...extra } });

/** One JSON object on stdout, `{ error: { code, message } }`, its message on stderr too. */
function expectJsonError(result: CliResult, exitCode: number, code: string): void {
  const what = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.code, what).toBe(exitCode);
  expect(result.stdout.trimEnd().split('\n'), what).toHaveLength(1);
  const parsed = JSON.parse(result.stdout) as { error: { code: string; message: string } };
  expect(parsed).toEqual({ error: { code, message: expect.any(String) } });
  expect(result.stderr).toContain(parsed.error.message);
}

const unreachable = async () => `postgres://postgres@127.0.0.1:${await freePort()}/inbox`;

describe('reconcile --json: one JSON object on stdout for every failure', () => {
  it('a usage error (a flag Commander refuses, an empty or bad value, no key): exit 2', async () => {
    const database = join(temp.dir, 'reconcile-usage.db');
    const cases: Array<[string[], string, Record<string, string | undefined>?]> = [
      [['--bogus'], 'cli_error'],
      [['--max-rps'], 'cli_error'], // its value missing
      [['--organization', ''], 'cli_error'],
      [['--max-rps', '0'], 'invalid_max_rps'],
      [['--only', 'nope'], 'invalid_reconcile_scope'],
      [[], 'no_api_key', { WORKOS_API_KEY: undefined }],
    ];
    for (const [flags, code, extra] of cases) {
      const result = await run(['reconcile', '--database', database, '--json', ...flags], extra);
      expectJsonError(result, exitCodes.usage, code);
    }
    // Without --json, stdout stays empty.
    expect((await run(['reconcile', '--database', database, '--bogus'])).stdout).toBe('');
  });

  it('a database it cannot reach or that does not exist: exit 3', async () => {
    const url = await unreachable();
    expectJsonError(
      await run(['reconcile', '--json', '--database', url]),
      exitCodes.database,
      'database_unreachable',
    );
    // A dry run needs a database `migrate` made.
    const missing = join(temp.dir, 'never-made.db');
    expectJsonError(
      await run(['reconcile', '--json', '--dry-run', '--database', missing]),
      exitCodes.database,
      'no_database',
    );
  });

  it('another reconcile holds the run lease: exit 5, reconcile_running', async () => {
    const database = join(temp.dir, 'reconcile-lease.db');
    const store = await openStore({ database });
    try {
      await store.migrate();
      // A `serve --reconcile-every` run, well ahead of expiring.
      await holdReconcileRunLease(store, 10 * 60_000);
    } finally {
      await store.close();
    }
    const result = await run(['reconcile', '--json', '--database', database]);
    expectJsonError(result, exitCodes.conflict, 'reconcile_running');
    expect(result.stderr).toContain('another reconcile is running on this database');
  });
});

describe('pull --json: one JSON object on stdout for every failure', () => {
  it('a usage error (a flag Commander refuses, an empty value): exit 2', async () => {
    const database = join(temp.dir, 'pull-usage.db');
    for (const flags of [['--bogus'], ['--since'], ['--events', '']]) {
      const result = await run(['pull', '--database', database, '--json', ...flags]);
      expectJsonError(result, exitCodes.usage, 'cli_error');
    }
  });

  it('a database it cannot reach: exit 3, database_unreachable as the line on stderr says', async () => {
    const result = await run(['pull', '--json', '--database', await unreachable()]);
    expectJsonError(result, exitCodes.database, 'database_unreachable');
    expect(result.stderr).toContain('workos-inbox: cannot connect to the database');
  });
});

// The other commands with --json: the same promise. `events list`, `directory users|groups`,
// `deliveries list|destinations` print one object per line; a failure before the first row (all
// of these) is the one `{ "error" }` line.
describe('every other --json command: one JSON object on stdout for every failure', () => {
  /** The commands that read the inbox's database, with what each needs besides flags. */
  const databaseCommands: readonly (readonly string[])[] = [
    ['events', 'list'],
    ['events', 'show', 'event_01NOTTHERE'],
    ['events', 'redrive'],
    ['events', 'prune', '--older-than', '30d'],
    ['stats'],
    ['directory', 'users'],
    ['directory', 'groups'],
    ['directory', 'user', 'directory_user_01NOTTHERE'],
    ['deliveries', 'list'],
    ['deliveries', 'redrive'],
    ['deliveries', 'destinations'],
  ];
  let database: string;

  beforeAll(async () => {
    database = join(temp.dir, 'migrated.db');
    const migrated = await run(['migrate', '--database', database]);
    expect(migrated.code, migrated.stderr).toBe(exitCodes.ok);
  });

  it('a usage error, from Commander (before or after --json) or from the command: exit 2', async () => {
    const cases: Array<[readonly string[], readonly string[], string]> = [
      [['events', 'list'], ['--bogus', '--json'], 'cli_error'],
      [['events', 'list'], ['--json', '--limit', '0'], 'cli_error'],
      [['events', 'show'], ['--json'], 'cli_error'], // its <id> missing
      [['events', 'show', 'event_1'], ['--bogus', '--json'], 'cli_error'],
      [['events', 'redrive'], ['--json', '--status', 'processing'], 'cli_error'],
      [['events', 'redrive'], ['--bogus', '--json'], 'cli_error'],
      [['events', 'prune'], ['--json'], 'cli_error'], // --older-than missing
      [['events', 'prune'], ['--json', '--older-than', 'soon'], 'cli_error'],
      [['stats'], ['--json', 'extra'], 'cli_error'], // one argument too many
      [['stats'], ['--bogus', '--json'], 'cli_error'],
      [['directory', 'users'], ['--json', '--limit', 'x'], 'cli_error'],
      [['directory', 'users'], ['--bogus', '--json'], 'cli_error'],
      [['directory', 'groups'], ['--json', '--organization', ''], 'cli_error'],
      [['directory', 'groups'], ['--bogus', '--json'], 'cli_error'],
      [['directory', 'user'], ['--json'], 'cli_error'], // its <id> missing
      [['directory', 'user', 'directory_user_1'], ['--bogus', '--json'], 'cli_error'],
      [['deliveries', 'list'], ['--json', '--status', 'nope'], 'cli_error'],
      [['deliveries', 'list'], ['--bogus', '--json'], 'cli_error'],
      [['deliveries', 'redrive'], ['--json', '--status', 'delivering'], 'cli_error'],
      [['deliveries', 'redrive'], ['--bogus', '--json'], 'cli_error'],
      [['deliveries', 'redrive'], ['--json', '--destination'], 'cli_error'], // its value missing
      [['deliveries', 'destinations'], ['--json', 'extra'], 'cli_error'],
      [['deliveries', 'destinations'], ['--bogus', '--json'], 'cli_error'],
    ];
    for (const [command, flags, code] of cases) {
      const result = await run([...command, '--database', database, ...flags]);
      expectJsonError(result, exitCodes.usage, code);
    }
    // Without --json, stdout stays empty.
    expect((await run(['stats', '--database', database, '--bogus'])).stdout).toBe('');
  });

  it('trigger: a usage or configuration error: exit 2', async () => {
    const cases: Array<[readonly string[], string]> = [
      [['--scenario', 'nope', '--json'], 'cli_error'], // a choice Commander refuses
      [['--json', '--count', '0', 'dsync.user.created'], 'cli_error'],
      [['--json', '--list', 'dsync.user.created'], 'cli_error'],
      [['--json', 'dsync.usr.created'], 'unknown_event'],
      [['--json', 'dsync.user.created'], 'no_secret'], // no serve ran in this folder
    ];
    for (const [flags, code] of cases) {
      expectJsonError(await run(['trigger', ...flags]), exitCodes.usage, code);
    }
  });

  it('a database file that does not exist, a PostgreSQL server it cannot reach: exit 3', async () => {
    const missing = join(temp.dir, 'never-made.db');
    const url = await unreachable();
    for (const command of databaseCommands) {
      expectJsonError(
        await run([...command, '--json', '--database', missing]),
        exitCodes.database,
        'no_database',
      );
      expectJsonError(
        await run([...command, '--json', '--database', url]),
        exitCodes.database,
        'database_unreachable',
      );
    }
  });

  it('an id or destination that is not there: exit 4, not_found', async () => {
    const cases: readonly (readonly string[])[] = [
      ['events', 'show', 'event_01NOTTHERE'],
      ['directory', 'user', 'directory_user_01NOTTHERE'],
      ['deliveries', 'list', '--destination', 'nowhere'],
      ['deliveries', 'redrive', '--event-id', 'event_01NOTTHERE'],
      ['deliveries', 'redrive', '--destination', 'nowhere'],
    ];
    for (const command of cases) {
      const result = await run([...command, '--json', '--database', database]);
      expectJsonError(result, exitCodes.notFound, 'not_found');
    }
  });
});

// `trigger --json` that sent its events and was refused printed its summary alone, exit 1: a
// script checking `.error` took it for a success. The summary keeps its statuses; `error` joins it.
describe('trigger --json: answers that are not 2xx add `error` to the one summary object', () => {
  /** A local endpoint answering each request with the next of `statuses` (then 200). */
  async function endpoint(statuses: number[]) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(statuses.shift() ?? 200).end('{"message":"no"}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }
  const trigger = (url: string, count: number) => {
    const flags = ['--json', '--to', url, '--count', String(count), '--concurrency', '1'];
    return run(['trigger', 'dsync.user.created', ...flags], {
      WORKOS_WEBHOOK_SECRET: 'whsec_trigger_json',
    });
  };

  it('a 401 and a 500: exit 1, the statuses and `error` not_accepted in one object', async () => {
    const refusing = await endpoint([401, 500]);
    try {
      const result = await trigger(refusing.url, 2);
      const what = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
      expect(result.code, what).toBe(exitCodes.failed);
      expect(result.stdout.trimEnd().split('\n'), what).toHaveLength(1);
      const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(parsed).toMatchObject({
        sent: 2,
        '2xx': 0,
        '4xx': 1,
        '5xx': 1,
        errors: 0,
        statuses: { '401': 1, '500': 1 },
        firstFailure: 'HTTP 401 {"message":"no"}',
        to: refusing.url,
        error: {
          code: 'not_accepted',
          message:
            'not accepted: 2 of 2 sent got no 2xx answer (401 ×1, 500 ×1); first failure: HTTP 401 {"message":"no"}',
        },
      });
      expect(Object.keys(parsed.error as object)).toEqual(['code', 'message']);
      // The line for a person on stderr, as for every --json failure.
      expect(result.stderr).toContain((parsed.error as { message: string }).message);
    } finally {
      refusing.close();
    }
  });

  it('every answer a 2xx: exit 0, the summary without `error`', async () => {
    const accepting = await endpoint([]);
    try {
      const result = await trigger(accepting.url, 2);
      expect(result.code, result.stderr).toBe(exitCodes.ok);
      const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(parsed).toMatchObject({ sent: 2, '2xx': 2, statuses: { '200': 2 } });
      expect(parsed).not.toHaveProperty('error');
    } finally {
      accepting.close();
    }
  });
});
