import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  killAll,
  listEvents,
  runCli,
  startServe,
  waitFor,
  type ServeProcess,
} from './cli-harness.js';

// Child processes on a loaded CI machine: generous bounds; every wait inside is bounded too.

// The path a new user takes: `serve` with nothing configured (SQLite, generated secret),
// `trigger` with no flags, then reading, breaking, retrying and replaying.
const handlersModule = `
import { appendFileSync, existsSync } from 'node:fs';

const handled = (event, ctx) => {
  if (existsSync('break-handlers')) throw new Error('handler broken on purpose for ' + event.id);
  appendFileSync('handled.log', event.event + ' ' + event.id + ' ' + ctx.attempt + '\\n');
};
export default { 'dsync.user.created': handled, 'dsync.user.updated': handled };
`;

describe('serve + trigger in development (SQLite, no configuration)', () => {
  let cwd: string;
  let serve: ServeProcess;
  const env = () => ({ PORT: String(serve.port) });
  const adminToken = () =>
    readFileSync(join(cwd, '.workos-inbox', 'dev-admin-token'), 'utf8').trim();
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${serve.base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminToken()}`, ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-dev-'));
    writeFileSync(join(cwd, 'handlers.mjs'), handlersModule);
    serve = await startServe(
      [
        '--handlers',
        './handlers.mjs',
        '--max-attempts',
        '2',
        '--backoff-base-ms',
        '20',
        '--backoff-cap-ms',
        '40',
      ],
      { cwd, portFromEnv: true },
    );
  });

  afterAll(() => {
    killAll();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('creates a development secret in the data folder and prints a ready-to-paste trigger line', () => {
    const secret = readFileSync(join(cwd, '.workos-inbox', 'dev-secret'), 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const { stderr, stdout } = serve.output();
    expect(stderr).toContain(secret);
    expect(stderr).toContain(
      `npx workos-inbox trigger dsync.user.created --to http://127.0.0.1:${serve.port}/webhooks/workos\n`,
    );
    // Logs never carry the secret.
    expect(stdout).not.toContain(secret);
    expect(existsSync(join(cwd, '.workos-inbox', 'inbox.db'))).toBe(true);
  });

  it('`trigger dsync.user.created` with no flags is accepted, stored and handled', async () => {
    const sent = await runCli(['trigger', 'dsync.user.created'], { cwd, env: env() });
    expect(sent.stderr).toBe('');
    expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
    expect(sent.stdout).toMatch(/sent 1 · 2xx 1 · 4xx 0 · 5xx 0/);

    const [event] = await waitFor(async () => {
      const events = await listEvents(cwd);
      return events.length === 1 && events[0]?.status === 'done' ? events : undefined;
    }, 'the event to be processed');
    expect(event).toMatchObject({ event: 'dsync.user.created', status: 'done', attempts: 1 });
    expect(new Date(event!.receivedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // The --handlers module ran once, with the SDK-shaped event and the handler context.
    expect(readFileSync(join(cwd, 'handled.log'), 'utf8')).toBe(
      `dsync.user.created ${event!.id} 1\n`,
    );
  });

  it('shapes events with --set (JSON values when valid) and --data-file (deep-merged into data)', async () => {
    writeFileSync(
      join(cwd, 'data.json'),
      JSON.stringify({ custom_attributes: { team: 'Compilers' } }),
    );
    const sent = await runCli(
      [
        'trigger',
        'dsync.user.created',
        '--set',
        'id=event_shaped_1',
        '--set',
        'data.first_name=Grace',
        '--set',
        'data.state="inactive"',
        '--data-file',
        'data.json',
      ],
      { cwd, env: env() },
    );
    expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
    const shown = await runCli(['events', 'show', 'event_shaped_1', '--json'], { cwd });
    expect(shown.code).toBe(0);
    const detail = JSON.parse(shown.stdout) as { payload: { data: Record<string, unknown> } };
    expect(detail.payload.data.first_name).toBe('Grace');
    expect(detail.payload.data.state).toBe('inactive');
    // Merged, not replaced: the sample's other attributes stay.
    expect(detail.payload.data.custom_attributes).toMatchObject({ team: 'Compilers' });
    expect(Object.keys(detail.payload.data.custom_attributes as object).length).toBeGreaterThan(1);
  });

  it('guards the admin API with the admin token and answers it', async () => {
    const anonymous = await fetch(`${serve.base}/inbox/events`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${serve.base}/inbox/events`, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(wrong.status).toBe(401);

    const page = (await (await admin('/inbox/events?event=dsync.user.created&limit=1')).json()) as {
      data: Array<{ id: string; event: string }>;
      list_metadata: { after: string | null };
    };
    expect(page.data).toHaveLength(1);
    expect(page.list_metadata.after).not.toBeNull();
    const next = (await (
      await admin(
        `/inbox/events?event=dsync.user.created&limit=1&after=${page.list_metadata.after}`,
      )
    ).json()) as { data: Array<{ id: string }>; list_metadata: { after: string | null } };
    expect(next.data).toHaveLength(1);
    expect(next.data[0]!.id).not.toBe(page.data[0]!.id);

    const one = await admin(`/inbox/events/${page.data[0]!.id}`);
    expect(one.status).toBe(200);
    const detail = (await one.json()) as { payload: { event: string }; attemptLog: unknown[] };
    expect(detail.payload.event).toBe('dsync.user.created');
    expect(detail.attemptLog).toHaveLength(1);
    expect((await admin('/inbox/events/event_nope')).status).toBe(404);
    expect((await admin('/inbox/events?status=bogus')).status).toBe(400);
  });

  it('serves health, readiness and Prometheus metrics with queue depth', async () => {
    expect((await fetch(`${serve.base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${serve.base}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${serve.base}/metrics`)).text();
    expect(metrics).toMatch(/^workos_inbox_events_accepted_total 2$/m);
    expect(metrics).toMatch(/^workos_inbox_queue_depth\{status="done"\} 2$/m);
    expect(metrics).toMatch(/^workos_inbox_dead_events 0$/m);
  });

  it('a broken handler retries, ends dead, and replay/redrive bring the events back', async () => {
    writeFileSync(join(cwd, 'break-handlers'), '');
    const sent = await runCli(['trigger', 'dsync.user.updated', '--count', '3'], {
      cwd,
      env: env(),
    });
    expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
    const dead = await waitFor(async () => {
      const events = await listEvents(cwd, ['--status', 'dead']);
      return events.length === 3 ? events : undefined;
    }, 'three dead events');
    expect(dead.every((e) => e.event === 'dsync.user.updated' && e.attempts === 2)).toBe(true);

    const shown = await runCli(['events', 'show', dead[0]!.id, '--json'], { cwd });
    const detail = JSON.parse(shown.stdout) as {
      lastError: string;
      attemptLog: Array<{ outcome: string; error: string }>;
    };
    expect(detail.lastError).toContain('handler broken on purpose');
    expect(detail.attemptLog.map((a) => a.outcome)).toEqual(['retrying', 'dead']);

    const stats = JSON.parse((await runCli(['stats', '--json'], { cwd })).stdout) as {
      dead: number;
      byStatus: Record<string, number>;
    };
    expect(stats.dead).toBe(3);
    expect(stats.byStatus.done).toBe(2);

    rmSync(join(cwd, 'break-handlers'));
    const replayed = await runCli(['events', 'replay', dead[0]!.id], { cwd });
    expect(replayed.code).toBe(0);
    await waitFor(
      async () =>
        (await listEvents(cwd, ['--status', 'done', '--event', 'dsync.user.updated'])).length === 1,
      'the replayed event to be done',
    );
    const redriven = await runCli(
      ['events', 'redrive', '--event', 'dsync.user.updated', '--json'],
      { cwd },
    );
    expect(JSON.parse(redriven.stdout)).toEqual({ redriven: 2, skippedPruned: 0 });
    await waitFor(
      async () => (await listEvents(cwd, ['--status', 'done'])).length === 5,
      'all done',
    );
    const log = readFileSync(join(cwd, 'handled.log'), 'utf8');
    for (const event of dead) expect(log).toContain(`dsync.user.updated ${event.id} 1\n`);
  });

  it('lists with filters and limits, and reports bad input with its exit code', async () => {
    expect(await listEvents(cwd, ['--limit', '2'])).toHaveLength(2);
    expect(await listEvents(cwd, ['--event', 'dsync.user.created'])).toHaveLength(2);
    expect(await listEvents(cwd, ['--since', '1h'])).toHaveLength(5);
    expect(await listEvents(cwd, ['--since', '2999-01-01T00:00:00Z'])).toHaveLength(0);

    // An unknown name may be stored (WorkOS adds events): no error, but a typo is pointed out.
    const typo = await runCli(['events', 'list', '--event', 'dsync.user.creatd'], { cwd });
    expect(typo.code).toBe(0);
    expect(typo.stdout).toContain('no events match');
    expect(typo.stderr).toContain(
      'is not an event name this version knows. Did you mean: dsync.user.created,',
    );

    const badStatus = await runCli(['events', 'list', '--status', 'bogus'], { cwd });
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain('--status: unknown status "bogus"');
    // The flag is named as the user typed it (the message is shared with the HTTP API's).
    for (const command of [['list'], ['redrive']]) {
      const badSince = await runCli(['events', ...command, '--since', 'yesterday'], { cwd });
      expect(badSince.code).toBe(2);
      expect(badSince.stderr).toContain('workos-inbox: --since: must be now, an age like 30m');
      expect(badSince.stderr).toContain('got "yesterday"');
    }
    const missing = await runCli(['events', 'show', 'event_missing'], { cwd });
    expect(missing.code).toBe(4);
    const unknown = await runCli(['trigger', 'dsync.user.creatd'], { cwd, env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Did you mean: dsync.user.created');
    // Where no secret is set up yet, the mistyped name is still what is reported.
    const elsewhere = mkdtempSync(join(tmpdir(), 'wi-e2e-no-secret-'));
    try {
      const typo = await runCli(['trigger', 'dsync.user.creatd'], { cwd: elsewhere });
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain('Did you mean: dsync.user.created');
      expect(typo.stderr).not.toContain('no webhook secret');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('names in its summary the event it sent, --set event=… included', async () => {
    const sent = await runCli(
      [
        'trigger',
        'dsync.user.created',
        '--set',
        'id=event_renamed_1',
        '--set',
        'event=dsync.user.deleted',
      ],
      { cwd, env: env() },
    );
    expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
    expect(sent.stdout).toContain('dsync.user.deleted →');
    expect(sent.stdout).not.toContain('dsync.user.created');
    const shown = await runCli(['events', 'show', 'event_renamed_1', '--json'], { cwd });
    expect((JSON.parse(shown.stdout) as { event: string }).event).toBe('dsync.user.deleted');
  });

  it('SIGTERM drains and exits 0', async () => {
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(serve.output().stdout).toContain('stopped cleanly');
    const processing = await listEvents(cwd, ['--status', 'processing']);
    expect(processing).toEqual([]);
  });
});
