// docs/cli.md: bad input gets one line saying what to change and a documented exit code, never a
// stack trace, and changes nothing. Each case here once did otherwise (a misspelled database URL
// became a SQLite file named after it, password included; a bad --host was blamed on the database).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedStore } from '../../src/store/open-store.js';
import { appendSampleUsers } from '../forward/helpers/sample-appends.js';
import { childEnv, cliPath, ensureBuilt, runCli } from './cli-harness.js';

let cwd: string;
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-input-'));
  writeFileSync(join(cwd, 'a-file'), '');
  writeFileSync(join(cwd, 'not-a-database.db'), '{"not":"sqlite"}\n'.repeat(200));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const oneLine = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('a database a newer build migrated', () => {
  it('is not sent to `migrate`, which cannot help: the way out is the newer version', async () => {
    const database = join(cwd, 'newer.db');
    const store = await openMigratedStore({ database });
    await store.writeTransaction((tx) =>
      tx.query(
        `INSERT INTO workos_inbox_migrations (component, version, name, checksum, applied_at)
         VALUES ('core', 999, '0999-from-the-future', 'x', '2026-12-07T00:00:00Z')`,
      ),
    );
    await store.close();
    const migrate = await runCli(['migrate', '--database', database], { cwd, timeoutMs: 60_000 });
    expect(migrate.code).toBe(3);
    expect(migrate.stderr).toContain('use the workos-inbox version that migrated it');
    oneLine(migrate.stderr);
    for (const command of [['stats'], ['migrate', '--check']]) {
      const result = await runCli([...command, '--database', database], { cwd, timeoutMs: 60_000 });
      expect(result.code, command.join(' ')).toBe(3);
      expect(result.stderr).toContain('the database was migrated by a newer build');
      expect(result.stderr).toContain('Use the workos-inbox version that migrated it');
      expect(result.stderr).not.toContain('Run `workos-inbox migrate`');
      oneLine(result.stderr);
    }
  });
});

describe('the database option', () => {
  it.each([['serve', '--port', '0'], ['migrate'], ['events', 'list']])(
    '%s: a URL of another scheme is refused (exit 2), its password masked, no file created',
    async (...command) => {
      const before = readdirSync(cwd).sort();
      const result = await runCli(command, {
        cwd,
        env: { DATABASE_URL: 'postgress://app:S3cretPW@127.0.0.1:5432/app' },
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('is a postgress:// URL');
      expect(result.stderr).toContain('postgress://app:***@127.0.0.1');
      expect(result.stderr + result.stdout).not.toContain('S3cretPW');
      oneLine(result.stderr);
      expect(readdirSync(cwd).sort()).toEqual(before);
    },
  );

  // It was read as "not given": `migrate` made the default .workos-inbox/inbox.db, `stats` read
  // it, serve started on it. An empty DATABASE_URL still reads as unset.
  it.each([['serve', '--port', '0'], ['migrate'], ['stats'], ['events', 'list']])(
    '%s: --database given empty is refused (exit 2), no file created',
    async (...command) => {
      const dir = mkdtempSync(join(cwd, 'empty-database-'));
      const result = await runCli([...command, '--database', ''], { cwd: dir, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--database (DATABASE_URL) is empty: give a postgres:// URL or a SQLite file path, or leave it out for the default (${join(dir, '.workos-inbox', 'inbox.db')})`,
      );
      oneLine(result.stderr);
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it.each([['stats'], ['serve', '--port', '0']])(
    '%s: a PostgreSQL URL that does not parse is refused (exit 2)',
    async (...command) => {
      const result = await runCli([...command, '--database', 'postgres://::bad'], {
        cwd,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('does not parse as a URL');
      oneLine(result.stderr);
    },
  );

  // `postgres:` and `postgresql:/host/db` were SQLite paths: `migrate` made a file `postgres:`, or
  // folders `postgresql:/127.0.0.1/`, and put an inbox there.
  it.each([['postgres:'], ['postgresql:/127.0.0.1/app'], ['postgres:app:S3cretPW@127.0.0.1/app']])(
    'migrate --database %s is refused (exit 2), nothing created, the password not shown',
    async (database) => {
      const dir = mkdtempSync(join(cwd, 'almost-postgres-'));
      const result = await runCli(['migrate', '--database', database], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/starts with "postgres(ql)?:" but is not a postgres(ql)?:\/\//);
      expect(result.stderr).toContain('or postgres:// alone to take the rest from PGHOST');
      expect(result.stderr + result.stdout).not.toContain('S3cretPW');
      oneLine(result.stderr);
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it('a PGSSLMODE that is not an sslmode is refused (exit 2) before connecting', async () => {
    const result = await runCli(['migrate', '--database', 'postgres://app@127.0.0.1:1/app'], {
      cwd,
      env: { PGSSLMODE: 'on' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'PGSSLMODE=on is not an sslmode: use one of disable, allow, prefer, require',
    );
    oneLine(result.stderr);
  });

  it.each([['serve', '--port', '0'], ['work']])(
    '%s on a file that is not SQLite exits 3 naming the file',
    async (...command) => {
      const database = join(cwd, 'not-a-database.db');
      const result = await runCli([...command, '--database', database], {
        cwd,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`cannot open the SQLite database ${database}`);
      expect(result.stderr).toContain('SQLITE_NOTADB');
      oneLine(result.stderr);
    },
  );

  it.each([[['serve', '--port', '0']], [['migrate']]])(
    '%j with a database under a file exits 2 naming the folder',
    async (command) => {
      const result = await runCli([...command, '--database', 'a-file/inbox.db'], {
        cwd,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`cannot create the folder ${join(cwd, 'a-file')}`);
      oneLine(result.stderr);
    },
  );

  // It said "no inbox database …: start `workos-inbox serve` here" (exit 3): a serve that cannot
  // create it either.
  it.each([[['events', 'list']], [['stats']]])(
    '%j with a database under a file exits 2 naming the file in the way',
    async (command) => {
      const result = await runCli([...command, '--database', 'a-file/data/inbox.db'], { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `no inbox database can be at ${join(cwd, 'a-file', 'data', 'inbox.db')}: ${join(cwd, 'a-file')} is a file, not a folder`,
      );
      expect(result.stderr).toContain('--database (DATABASE_URL)');
      oneLine(result.stderr);
    },
  );

  // procfs answers ENOENT to a mkdir in a folder that exists: Node's recursive mkdir read it as a
  // missing parent and tried again for ever, at full CPU (serve did not even stop on SIGTERM).
  it.each([[['serve', '--port', '0']], [['migrate']]])(
    '%j with a database in a folder the file system will not make exits 2 naming the folder',
    async (command) => {
      const result = await runCli([...command, '--database', '/proc/x/y.db'], {
        cwd,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'cannot create the folder /proc/x: this file system makes no folders there',
      );
      oneLine(result.stderr);
    },
  );
});

// A value typed empty (a variable that was not set) did something else than asked, quietly:
// `events redrive --status ''` redrove with no status filter, `events show ''` looked for an
// event with no id (exit 4), `deliveries list --event-id ''` listed every delivery.
describe('a value given empty', () => {
  it.each([
    [
      ['events', 'list', '--status', ''],
      '--status is empty: give a value, or leave the flag out. --status: pending, processing',
    ],
    [
      ['events', 'redrive', '--status', ' '],
      '--status is empty: give a value, or leave the flag out',
    ],
    [['events', 'list', '--since', ''], '--since is empty: give a value, or leave the flag out'],
    [
      ['deliveries', 'list', '--event-id', ''],
      '--event-id is empty: give a value, or leave the flag out',
    ],
    [
      ['deliveries', 'redrive', '--status', ''],
      '--status is empty: give a value, or leave the flag out',
    ],
    [['events', 'show', ''], '<id> is empty: give a value. <id>: event id'],
    [['events', 'replay', ''], '<id> is empty: give a value. <id>: event id'],
    [['directory', 'user', ''], '<id> is empty: give a value. <id>: directory user id'],
  ])('%j is a usage error (exit 2), the database left alone', async (command, message) => {
    const dir = mkdtempSync(join(cwd, 'empty-value-'));
    const result = await runCli([...command, '--database', 'inbox.db'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    oneLine(result.stderr);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a value given empty, of a flag whose help names its variable and default', () => {
  // The message embedded the whole help text, `(env: …; default: …)` included, in parentheses.
  it.each([
    [
      ['listen', '--secret', ''],
      '--secret is empty: give a value, or leave the flag out. --secret: signing secret',
    ],
    [
      ['trigger', 'dsync.user.created', '--secret', ''],
      '--secret is empty: give a value, or leave the flag out. --secret: webhook secret',
    ],
    [
      ['events', 'list', '--data-dir', ''],
      '--data-dir is empty: give a value, or leave the flag out. --data-dir: data folder of the default SQLite file',
    ],
  ])(
    "%j: one line saying what the value is, without the help's env and default",
    async (command, line) => {
      const dir = mkdtempSync(join(cwd, 'empty-secret-'));
      const result = await runCli(command, { cwd: dir, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`workos-inbox: ${line}\n`);
      expect(readdirSync(dir)).toEqual([]);
    },
  );
});

describe('serve’s address', () => {
  it.each([
    // ENOTFOUND, or EAI_AGAIN where no resolver can be reached (a network namespace without one)
    ['a name that does not resolve', 'no-such-host.invalid', '(ENOTFOUND|EAI_AGAIN)'],
    ['an address of no interface here', '192.0.2.1', 'EADDRNOTAVAIL'],
  ])('--host %s exits 2 naming --host, not the database', async (_name, host, code) => {
    const result = await runCli(['serve', '--port', '0', '--host', host], {
      cwd: mkdtempSync(join(cwd, 'host-')),
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`cannot listen on ${host}:0 \\(${code}: `));
    expect(result.stderr).toContain('--host (HOST)');
    expect(result.stderr).not.toContain('database');
    oneLine(result.stderr);
  });
});

describe('serve and work without --pull', () => {
  it.each([['serve', '--port', '0'], ['work']])(
    '%s: --pull-since exits 2 before starting, instead of pulling nothing',
    async (...command) => {
      const dir = mkdtempSync(join(cwd, 'pull-since-'));
      const result = await runCli([...command, '--pull-since', '7d'], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--pull-since applies only with --pull');
      expect(readdirSync(dir)).toEqual([]);
      oneLine(result.stderr);
    },
  );
});

describe('trigger and listen without --to, with a PORT serve would refuse', () => {
  it.each([
    [['trigger', 'dsync.user.created']],
    [['trigger', 'dsync.user.created', '--json']],
    [['listen']],
  ])('%j exits 2 naming PORT, not --to (listen retried an invalid URL forever)', async (args) => {
    const result = await runCli(args, {
      cwd,
      env: {
        PORT: 'abc',
        WORKOS_WEBHOOK_SECRET: 'whsec_test',
        WORKOS_API_KEY: 'sk_test_x',
        WORKOS_API_URL: 'http://127.0.0.1:9',
      },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain('PORT must be a port from 1 to 65535, got "abc"');
    expect(result.stderr).toContain('or pass --to <url>');
    expect(result.stderr).not.toContain('--to must be a URL');
    if (args.includes('--json')) {
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'invalid_url' } });
    }
    oneLine(result.stderr);
  });
});

describe('work --host without --metrics-port', () => {
  it('exits 2 before starting, instead of binding nothing', async () => {
    const dir = mkdtempSync(join(cwd, 'work-host-'));
    const result = await runCli(['work', '--host', '0.0.0.0'], { cwd: dir, timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--host applies only with --metrics-port (WORKOS_INBOX_METRICS_PORT): add --metrics-port',
    );
    expect(readdirSync(dir)).toEqual([]);
    oneLine(result.stderr);
  });
});

describe('work --port (work has no webhook port)', () => {
  it.each([['--port', '9464'], ['--port=9464']])(
    '%s suggests --metrics-port, the one port work binds (Commander suggested --host)',
    async (...flag) => {
      const dir = mkdtempSync(join(cwd, 'work-port-'));
      const result = await runCli(['work', ...flag], { cwd: dir, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option '${flag[0]}'`);
      expect(result.stderr).toContain('Did you mean --metrics-port?');
      expect(result.stderr).not.toContain('--host');
      expect(readdirSync(dir)).toEqual([]);
      oneLine(result.stderr);
    },
  );
});

describe('serve and work without --retention', () => {
  it.each([['serve', '--port', '0'], ['work']])(
    '%s: --retention-interval exits 2 before starting, instead of pruning nothing',
    async (...command) => {
      const dir = mkdtempSync(join(cwd, 'retention-interval-'));
      const result = await runCli([...command, '--retention-interval', '10m'], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--retention-interval applies only with --retention');
      expect(readdirSync(dir)).toEqual([]);
      oneLine(result.stderr);
    },
  );
});

describe('serve and work without --forward-to', () => {
  it.each([['serve', '--port', '0'], ['work']])(
    '%s: --forward-concurrency exits 2 before starting, instead of forwarding nothing',
    async (...command) => {
      const dir = mkdtempSync(join(cwd, 'forward-concurrency-'));
      const result = await runCli([...command, '--forward-concurrency', '8'], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--forward-concurrency applies only with --forward-to');
      expect(readdirSync(dir)).toEqual([]);
      oneLine(result.stderr);
    },
  );
});

describe('serve and work without --pull or --reconcile-every', () => {
  // They were accepted and read by nothing: `--api-timeout-ms abc` was not even checked.
  it.each([
    [['serve', '--port', '0'], '--api-timeout-ms', 'abc', 'sqlite'],
    [['work'], '--api-timeout-ms', '100', 'sqlite'],
    [['work'], '--api-timeout-ms', '100', 'postgres'],
    [['work'], '--api-url', 'https://api.example.com', 'postgres'],
    [['serve', '--port', '0'], '--api-key', 'sk_test_123', 'postgres'],
  ] as const)(
    '%s %s %s (%s) exits 2 before starting, instead of calling WorkOS never',
    async (command, flag, value, backend) => {
      const dir = mkdtempSync(join(cwd, 'api-flags-'));
      // Refused before the database is opened: this one need not exist.
      const database =
        backend === 'postgres'
          ? ['--database', 'postgres://postgres@127.0.0.1:5432/wi_unused']
          : [];
      const result = await runCli([...command, flag, value, ...database], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `workos-inbox: ${flag} applies only with --pull (WORKOS_INBOX_PULL) or --reconcile-every ` +
          "(WORKOS_INBOX_RECONCILE_EVERY), which call WorkOS's API: add one, or leave it out",
      );
      expect(readdirSync(dir)).toEqual([]);
    },
  );
});

describe('events redrive --status', () => {
  it('offers only the statuses it accepts (it offered processing, then refused it)', async () => {
    const database = join(cwd, 'redrive-status.db');
    const migrate = await runCli(['migrate', '--database', database], { cwd, timeoutMs: 60_000 });
    expect(migrate.code, migrate.stderr).toBe(0);
    const bogus = await runCli(['events', 'redrive', '--status', 'bogus', '--database', database], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(bogus.code).toBe(2);
    oneLine(bogus.stderr);
    const offered = /use one of (.+)$/m.exec(bogus.stderr)?.[1]?.split(', ') ?? [];
    expect(offered).toEqual(['pending', 'done', 'retrying', 'dead']);
    const each = await runCli(
      ['events', 'redrive', '--status', offered.join(','), '--database', database],
      { cwd, timeoutMs: 60_000 },
    );
    expect(each.code, each.stderr).toBe(0);
    const processing = await runCli(
      ['events', 'redrive', '--status', 'dead,processing', '--database', database],
      { cwd, timeoutMs: 60_000 },
    );
    expect(processing.code).toBe(2);
    expect(processing.stderr).toContain('--status: processing cannot be redriven');
    expect(processing.stderr).toContain('Redrive pending, retrying, done or dead ones');
  });
});

describe('trigger', () => {
  it('--list --json prints the names as one JSON array (they were one a line, --json ignored)', async () => {
    const plain = await runCli(['trigger', '--list'], { cwd });
    const json = await runCli(['trigger', '--list', '--json'], { cwd });
    expect([plain.code, json.code]).toEqual([0, 0]);
    const names = plain.stdout.trim().split('\n');
    expect(names).toContain('dsync.user.created');
    expect(JSON.parse(json.stdout)).toEqual(names);
  });

  it('--list with an event name exits 2 instead of ignoring the name', async () => {
    const result = await runCli(['trigger', 'dsync.user.created', '--list'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--list sends nothing: give either --list or an event name');
    expect(result.stdout).toBe('');
  });

  it('--to with a scheme other than http(s) exits 2 and sends nothing', async () => {
    const result = await runCli(['trigger', 'dsync.user.created', '--to', 'ftp://x/y'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to must be an http:// or https:// URL');
  });

  it('--count with --scenario exits 2 instead of being ignored', async () => {
    const result = await runCli(['trigger', '--scenario', 'directory-sync', '--count', '3'], {
      cwd,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--count does not apply to --scenario');
  });

  it.each([
    [['--set', 'data.first_name=Grace'], '--set does not apply to --scenario'],
    [['--data-file', 'a-file'], '--data-file does not apply to --scenario'],
    [['--set', 'data.x=1', '--data-file', 'a-file'], '--set and --data-file do not apply'],
  ])(
    '%j with --scenario exits 2 and sends nothing, instead of being ignored',
    async (flags, said) => {
      // Nothing listens at --to: a scenario sent anyway would exit 1 with "connection refused".
      const result = await runCli(
        [
          'trigger',
          '--scenario',
          'directory-sync',
          ...flags,
          '--secret',
          'whsec_x',
          '--to',
          'http://127.0.0.1:9/webhooks/workos',
        ],
        { cwd },
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(said);
      expect(result.stdout).toBe('');
    },
  );

  it('--seed without --scenario exits 2 instead of being ignored', async () => {
    const result = await runCli(['trigger', 'dsync.user.created', '--seed', '5'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--seed applies to --scenario only');
  });
});

describe('output into a pipe its reader closes early (`| head -1`)', () => {
  it('events list --json stops quietly, exit 0', async () => {
    const database = join(cwd, 'many.db');
    // `migrate` says what it applied, in order; run again, that there was nothing to apply.
    const first = await runCli(['migrate', '--database', database], { cwd });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /applied \d+ migrations, schema up to date\n {2}core\/0001 \(0001-initial\)\n/,
    );
    const again = await runCli(['migrate', '--database', database], { cwd });
    expect(again.stdout).toBe(`${database}: schema up to date, nothing to apply\n`);
    const store = await openMigratedStore({ database });
    // More than a pipe holds (64 KiB of JSON lines).
    await appendSampleUsers(
      store,
      Array.from({ length: 600 }, (_, i) => i + 1),
      Date.now(),
    );
    await store.close();
    const child = spawn(
      process.execPath,
      [cliPath, 'events', 'list', '--json', '--limit', '600', '--database', database],
      { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Read the first chunk, then close the pipe, as `head -1` does.
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // (Or the child's exit, so a failure to start shows its message rather than a timeout.)
    await Promise.race([
      new Promise<void>((resolve) => child.stdout.once('data', () => resolve())),
      exited,
    ]);
    child.stdout.destroy();
    const code = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
