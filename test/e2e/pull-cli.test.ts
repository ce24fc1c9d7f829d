// `workos-inbox pull`, the built CLI as a user runs it, against the stand-in Events API.
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectoryHistory } from '../../src/testing/directory-history.js';
import { endLeasePauses } from '../helpers/lease-pauses.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { ensureBuilt, runCli } from './cli-harness.js';

const { events } = generateDirectoryHistory({ seed: 8, events: 250 });
let api: WorkosApiStandIn;
const temp = createTempSqlitePath();

beforeAll(async () => {
  ensureBuilt();
  api = await startWorkosApiStandIn();
  api.events = events;
});
afterAll(async () => {
  await api.close();
  temp.cleanup();
});

describe('workos-inbox pull', () => {
  it('catches up, prints counts, exits 0; again: nothing new', async () => {
    const env = { WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url };
    const args = ['pull', '--database', temp.path, '--since', '2020-01-01T00:00:00Z'];
    const first = await runCli([...args, '--json'], { cwd: temp.dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      pulled: events.length,
      inserted: events.length,
      duplicates: 0,
      pages: 3,
    });
    const again = await runCli(args, { cwd: temp.dir, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^pulled 0 events \(0 new, 0 duplicates\) in 1 page, [\d.]+ s\n$/);
    // The cursor, not --since, places a later pull, and the CLI says so.
    const last = events[events.length - 1]!.id;
    expect(again.stderr).toContain(
      `--since 2020-01-01T00:00:00Z is not used: this database already pulls on from its cursor (after ${last})`,
    );
    expect(again.stderr).toContain('--reset-cursor');
    const plain = await runCli(['pull', '--database', temp.path], { cwd: temp.dir, env });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe('');
    const reset = await runCli([...args, '--reset-cursor', '--json'], { cwd: temp.dir, env });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toBe('');
    expect(JSON.parse(reset.stdout)).toMatchObject({
      pulled: events.length,
      inserted: 0,
      duplicates: events.length,
    });
  });

  it('a 422 that is not about the cursor: exit 1 saying what WorkOS refused, no --reset-cursor advice', async () => {
    const env = { WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url };
    const last = events[events.length - 1]!.id;
    api.failNext({ status: 422 });
    const refused = await runCli(['pull', '--database', temp.path], { cwd: temp.dir, env });
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('WorkOS refused the Events API request (events=the ');
    expect(refused.stderr).toContain(
      `after=${last}): GET /events: 422 injected 422. The cursor is kept (after=${last})`,
    );
    expect(refused.stderr).not.toContain('--reset-cursor');
    const again = await runCli(['pull', '--database', temp.path], { cwd: temp.dir, env });
    expect(again.code, again.stderr).toBe(0);
  });

  it('each retry is a line on stderr, so a pull through a 503 is not silent', async () => {
    const env = { WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url };
    api.failNext({ status: 503, retryAfter: '0' }, { status: 429, retryAfter: '0' });
    const pulled = await runCli(['pull', '--database', temp.path], { cwd: temp.dir, env });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toBe(
      'workos-inbox: GET /events: 503 injected 503; retry 1 of 5 in 0.0 s\n' +
        'workos-inbox: GET /events: 429 injected 429; retry 2 of 5 in 0.0 s\n',
    );
  });

  it('a Retry-After of a day: exit 1 at once naming the wait and when to try again (--json: retryAfterMs, retryAt), the cursor kept; the pause is kept, so a pull before then asks nothing and is refused the same way', async () => {
    const env = { WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url };
    const last = events[events.length - 1]!.id;
    api.failNext({ status: 429, retryAfter: '86400' });
    const before = api.requests.length;
    const asked = Date.now();
    const limited = await runCli(['pull', '--database', temp.path, '--json'], {
      cwd: temp.dir,
      env,
    });
    expect(limited.code, limited.stderr).toBe(1);
    expect(limited.stderr).toContain(
      'GET /events: 429 injected 429: its Retry-After asks to wait 86400 s (24 h), longer than the 60 s this client waits at most, so it was not retried; try again after ',
    );
    expect(api.requests.length).toBe(before + 1);
    // --json: the wait and the time to pull again, for a script to schedule it.
    type Failure = {
      error: { code: string; message: string; retryAfterMs: number; retryAt: string };
    };
    const { error } = JSON.parse(limited.stdout) as Failure;
    expect(error).toMatchObject({ code: 'workos_api_unavailable', retryAfterMs: 86400_000 });
    expect(error.message).toContain(`try again after ${error.retryAt}`);
    expect(Date.parse(error.retryAt)).toBeGreaterThanOrEqual(asked + 86400_000);
    expect(Date.parse(error.retryAt)).toBeLessThanOrEqual(Date.now() + 86400_000);
    // Run again before that time (by hand, a cron, a `serve --pull` restarted): the pause is kept
    // in the database, so WorkOS is not asked, and the failure is the same (exit 1, the time).
    const early = await runCli(['pull', '--database', temp.path, '--json'], {
      cwd: temp.dir,
      env,
    });
    expect(early.code, early.stderr).toBe(1);
    expect(api.requests.length).toBe(before + 1);
    const refused = (JSON.parse(early.stdout) as Failure).error;
    expect(refused).toMatchObject({ code: 'workos_api_unavailable', retryAt: error.retryAt });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(86400_000);
    expect(refused.message).toBe(
      `the Events API pull is paused until ${error.retryAt}, as WorkOS asked (GET /events: 429 injected 429, with a Retry-After of 86400 s (24 h)); the pause is kept in the database for every process, so nothing was asked of WorkOS or pulled; try again after ${error.retryAt}`,
    );
    expect(early.stderr).toContain(refused.message);
    // Once that time has come, it pulls on from the cursor.
    await endLeasePauses(temp.path);
    const again = await runCli(['pull', '--database', temp.path, '--json'], { cwd: temp.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(api.requests.at(-1)!.query.get('after')).toBe(last);
  });

  it('a 404 names the whole path requested, --api-url path included (exit 1)', async () => {
    const env = { WORKOS_API_KEY: api.apiKey };
    const wrong = await runCli(['pull', '--database', temp.path, '--api-url', `${api.url}/nope`], {
      cwd: temp.dir,
      env,
    });
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(wrong.stderr).toContain('GET /nope/events: 404 Not Found: check WORKOS_API_URL');
  });

  it('a key with a line break after it pulls; with one inside it: exit 2 at once, the key unprinted', async () => {
    const ok = await runCli(['pull', '--database', temp.path], {
      cwd: temp.dir,
      env: { WORKOS_API_KEY: `${api.apiKey}\n`, WORKOS_API_URL: api.url },
    });
    expect(ok.code, ok.stderr).toBe(0);
    const before = api.requests.length;
    const twoLines = await runCli(['pull', '--database', temp.path], {
      cwd: temp.dir,
      env: { WORKOS_API_KEY: `${api.apiKey}\nsk_test_second`, WORKOS_API_URL: api.url },
    });
    expect(twoLines.code, twoLines.stderr).toBe(2);
    expect(twoLines.stderr).toContain('the WorkOS API key has a space or line break inside it');
    expect(twoLines.stderr).not.toContain(api.apiKey);
    expect(api.requests.length).toBe(before);
  });

  it('exit 2 naming WORKOS_API_KEY without a key or with a wrong one; 2 on a bad --since', async () => {
    const none = await runCli(['pull', '--database', temp.path], {
      cwd: temp.dir,
      env: { WORKOS_API_URL: api.url },
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('WORKOS_API_KEY');
    const wrong = await runCli(['pull', '--database', temp.path], {
      cwd: temp.dir,
      env: { WORKOS_API_KEY: 'sk_test_wrong', WORKOS_API_URL: api.url },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('WORKOS_API_KEY');
    // --json: one object on stdout on failure too.
    const json = await runCli(['pull', '--database', temp.path, '--json'], {
      cwd: temp.dir,
      env: { WORKOS_API_KEY: 'sk_test_wrong', WORKOS_API_URL: api.url },
    });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: {
        code: 'workos_api_unauthorized',
        message: expect.stringContaining('WORKOS_API_KEY'),
      },
    });
    const since = await runCli(['pull', '--database', temp.path, '--since', 'last tuesday'], {
      cwd: temp.dir,
      env: { WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url },
    });
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since');
  });

  it('--api-timeout-ms (or WORKOS_API_TIMEOUT_MS) bounds each request; a bad value exits 2', async () => {
    const silent = createServer(() => {}); // takes each request and never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const env = {
        WORKOS_API_KEY: api.apiKey,
        WORKOS_API_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      };
      // The default (30 s) would keep each at it for minutes; these give up after their retries.
      // Two databases: on one, the second `pull` would find the first's puller lease and exit 5.
      const [byFlag, byEnv] = await Promise.all([
        runCli(['pull', '--database', temp.path, '--api-timeout-ms', '50'], { cwd: temp.dir, env }),
        runCli(['pull', '--database', join(temp.dir, 'by-env.db')], {
          cwd: temp.dir,
          env: { ...env, WORKOS_API_TIMEOUT_MS: '80' },
        }),
      ]);
      expect(byFlag.code, byFlag.stderr).toBe(1);
      expect(byFlag.stderr).toContain(
        'GET /events: no answer within 50 ms (gave up after 6 attempts)',
      );
      expect(byFlag.stderr).toContain(
        '; if WorkOS is slow rather than unreachable, allow it longer: WORKOS_API_TIMEOUT_MS (or --api-timeout-ms',
      );
      expect(byEnv.code, byEnv.stderr).toBe(1);
      expect(byEnv.stderr).toContain(
        'GET /events: no answer within 80 ms (gave up after 6 attempts)',
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    const env = { WORKOS_API_KEY: api.apiKey, WORKOS_API_URL: api.url };
    for (const [flags, extra] of [
      [['--api-timeout-ms', '0'], {}],
      [['--api-timeout-ms', '2s'], { WORKOS_API_TIMEOUT_MS: '100' }],
      [[], { WORKOS_API_TIMEOUT_MS: 'soon' }],
    ] as const) {
      const bad = await runCli(['pull', '--database', temp.path, ...flags], {
        cwd: temp.dir,
        env: { ...env, ...extra },
      });
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toContain(
        '--api-timeout-ms (WORKOS_API_TIMEOUT_MS) must be a whole number from 1 to 600000',
      );
    }
    // serve and work refuse it as they refuse any bad setting, when --pull needs WorkOS.
    const serve = await runCli(['serve', '--pull', '--api-timeout-ms', '-1'], {
      cwd: temp.dir,
      env,
    });
    expect(serve.code, serve.stderr).toBe(2);
    expect(serve.stderr).toContain('--api-timeout-ms (WORKOS_API_TIMEOUT_MS)');
  });

  it('`listen` prints a bad --forward-to without its credentials or query', async () => {
    const r = await runCli(
      ['listen', '--forward-to', 'ftp://admin:hunter2@files.example.com/in?token=tok_abc123'],
      { cwd: temp.dir, env: { WORKOS_API_KEY: api.apiKey, WORKOS_WEBHOOK_SECRET: 'whsec_l' } },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--forward-to "ftp://files.example.com/in": expected an http(s)://');
    expect(r.stderr).not.toMatch(/hunter2|tok_abc123/);
  });

  it('`pull --help` and `listen --help` exit 0 and name their flags and WORKOS_API_KEY', async () => {
    for (const [command, flags] of [
      ['pull', ['--since', '--events', '--reset-cursor', '--json', '--database']],
      ['listen', ['--forward-to', '--secret', '--since', '--events', '--interval-ms']],
    ] as const) {
      const help = await runCli([command, '--help'], { cwd: temp.dir });
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: workos-inbox ${command}`);
      for (const flag of [...flags, '--api-key', '--api-url', '--api-timeout-ms'])
        expect(help.stdout).toContain(flag);
      expect(help.stdout).toContain('env: WORKOS_API_KEY');
    }
  });
});
