// Forwarding through the built CLI on SQLite and PostgreSQL: `work --forward-to` delivers what a
// `serve --no-worker` receiver queued; /readyz stays 200 while a destination is down;
// `deliveries redrive` and `deliveries resume` bring dead and paused deliveries back; and two
// `serve --processes 2` processes deliver every event (at least once, each repeat an attempt);
// `deliveries list` says when it shows fewer than match, and a redrive for a removed destination
// says that nothing will send those deliveries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { startEndpoint, until } from '../forward/helpers/endpoint.js';
import type { TestEndpoint } from '../forward/helpers/endpoint.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { ensureBuilt, freePort, killAll, runCli, startServe } from './cli-harness.js';

const secret = 'whsec_forward_cli_test_0123456789';
const sdk = new WorkOS('sk_test_forward_cli');

interface DeliveryLine {
  eventId: string;
  destination: string;
  status: string;
  attempts: number;
}

describe.each(['sqlite', 'postgres'] as const)('forwarding from the CLI on %s', (kind) => {
  let cwd: string;
  const drops: (() => Promise<void>)[] = [];
  const endpoints: TestEndpoint[] = [];
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-forward-cli-'));
  });
  afterAll(async () => {
    killAll();
    for (const e of endpoints) await e.close();
    for (const drop of drops) await drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  let databases = 0;
  async function database(): Promise<string> {
    if (kind === 'sqlite') return join(cwd, `inbox-${databases++}.db`);
    const pg = await createTestDatabase('wi_e2e_forward_cli');
    drops.push(pg.drop);
    return pg.url;
  }

  async function endpoint(answer: Parameters<typeof startEndpoint>[0]) {
    const e = await startEndpoint(answer);
    endpoints.push(e);
    return e;
  }

  /** POST `count` signed events to serve, ten at a time; every one answered 200. */
  async function sendEvents(base: string, prefix: string, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `event_${prefix}_${i}`);
    for (let i = 0; i < ids.length; i += 10) {
      const statuses = await Promise.all(
        ids.slice(i, i + 10).map(async (id, k) => {
          const body = JSON.stringify(
            sampleEvent('dsync.user.created', { seed: i + k + 1, overrides: { id } }),
          );
          const res = await fetch(`${base}/webhooks/workos`, {
            method: 'POST',
            body,
            headers: signedHeaders(body, Date.now(), secret),
          });
          return res.status;
        }),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    return ids;
  }

  async function deliveries(db: string, ...filter: string[]): Promise<DeliveryLine[]> {
    const r = await runCli(
      ['deliveries', 'list', '--json', '--limit', '10000', '--database', db, ...filter],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as DeliveryLine);
  }

  /** `serve` on `db` with this file's secret, forwarding to `forwardTo` (a --forward-to value). */
  const serveForwarding = (db: string, forwardTo: string, ...flags: string[]) =>
    startServe([...flags, '--database', db, '--secret', secret, '--forward-to', forwardTo], {
      cwd,
    });

  /** Waits until `count` deliveries match `filter` (flags of `deliveries list`). */
  const untilDeliveries = (db: string, count: number, filter: string[], timeoutMs = 120_000) =>
    until(
      async () => (await deliveries(db, ...filter)).length === count,
      `${count} deliveries (${filter.join(' ')})`,
      timeoutMs,
    );

  const receivedIds = (e: TestEndpoint) =>
    e.received.map((r) => String(r.headers['workos-inbox-event-id']));

  it('`work --forward-to` delivers what a `serve --no-worker` receiver queued', async () => {
    const db = await database();
    const app = await endpoint((_r, res) => void res.writeHead(200).end());
    const receiver = await serveForwarding(db, `${app.url};name=app`, '--no-worker');
    const ids = await sendEvents(receiver.base, 'work', 20);
    // Queued in the append's transaction, not sent: the receiver does not deliver.
    const queued = await deliveries(db, '--destination', 'app');
    expect(queued.map((d) => d.eventId).sort()).toEqual([...ids].sort());
    expect(queued.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
    expect(app.received).toHaveLength(0);
    // `work` takes the webhook secret from the environment and signs each delivery with it.
    const worker = await startServe(['--database', db, '--forward-to', `${app.url};name=app`], {
      cwd,
      command: 'work',
      env: { WORKOS_WEBHOOK_SECRET: secret },
    });
    await untilDeliveries(db, 20, ['--status', 'delivered']);
    expect(new Set(receivedIds(app))).toEqual(new Set(ids));
    for (const r of app.received) {
      await expect(
        sdk.webhooks.verifyHeader({
          payload: r.body.toString(),
          sigHeader: String(r.headers['workos-signature']),
          secret,
        }),
      ).resolves.toBe(true);
    }
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(await receiver.stop('SIGTERM')).toBe(0);
  });

  it('/readyz stays 200 while a destination is down; receiving goes on', async () => {
    const db = await database();
    const down = `http://127.0.0.1:${await freePort()}/hook`;
    const serve = await serveForwarding(
      db,
      `${down};name=down;timeout=1s;backoff-base=200ms;backoff-cap=1s;max-attempts=1000`,
    );
    const ids = await sendEvents(serve.base, 'down', 5);
    // Each delivery has failed at least once (its second attempt has started).
    await until(
      async () => {
        const rows = await deliveries(db, '--destination', 'down');
        return rows.length === 5 && rows.every((d) => d.attempts >= 2);
      },
      'failed attempts at the down destination',
      120_000,
    );
    const ready = await fetch(`${serve.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    // Still receiving: more events are committed and queued behind the down destination.
    const more = await sendEvents(serve.base, 'down_more', 3);
    const all = await deliveries(db, '--destination', 'down');
    expect(all.map((d) => d.eventId).sort()).toEqual([...ids, ...more].sort());
    expect(all.some((d) => d.status === 'delivered')).toBe(false);
    expect((await fetch(`${serve.base}/readyz`)).status).toBe(200);
    expect(await serve.stop('SIGTERM')).toBe(0);
  });

  it('`deliveries redrive` sends dead deliveries again; `deliveries resume` lifts a 410 pause', async () => {
    const db = await database();
    let failing = true;
    const app = await endpoint((_r, res) => void res.writeHead(failing ? 500 : 200).end());
    let gone = true;
    const old = await endpoint((_r, res) => void res.writeHead(gone ? 410 : 204).end());
    const serve = await serveForwarding(
      db,
      `${app.url};name=app;max-attempts=1,${old.url};name=old`,
    );
    const ids = await sendEvents(serve.base, 'redrive', 6);
    await untilDeliveries(db, 6, ['--destination', 'app', '--status', 'dead']);
    const paused = async () => {
      const r = await runCli(['deliveries', 'destinations', '--json', '--database', db], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { name: string; pausedAt: string | null });
      return rows.find((row) => row.name === 'old')?.pausedAt ?? null;
    };
    await until(async () => (await paused()) !== null, 'the 410 pause', 120_000);
    // Attempts already in flight when the 410 came back may have been sent; none was delivered.
    expect(await deliveries(db, '--destination', 'old', '--status', 'delivered')).toEqual([]);
    failing = false;
    gone = false;
    // A mistyped destination is named, with the ones there are, instead of redriving nothing.
    const typo = await runCli(['deliveries', 'redrive', '--destination', 'ap', '--database', db], {
      cwd,
    });
    expect(typo.code).toBe(4);
    expect(typo.stderr).toContain('no destination named ap. Did you mean: app');
    expect(typo.stderr).toContain('(destinations: app, old)');
    const resumeTypo = await runCli(['deliveries', 'resume', 'olf', '--database', db], { cwd });
    expect(resumeTypo.code).toBe(4);
    expect(resumeTypo.stderr).toContain('no destination named olf. Did you mean: old');
    const redriven = await runCli(
      ['deliveries', 'redrive', '--destination', 'app', '--database', db],
      { cwd },
    );
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(redriven.stdout).toContain('redriven 6 deliveries');
    const resumed = await runCli(['deliveries', 'resume', 'old', '--database', db], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toBe('resumed old\n');
    expect(await paused()).toBeNull();
    // Again: there is no pause left to lift, and it says so rather than "resumed".
    const again = await runCli(['deliveries', 'resume', 'old', '--database', db], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('old was not paused; its waiting deliveries are due now\n');
    await untilDeliveries(db, 12, ['--status', 'delivered']);
    const delivered = (await deliveries(db)).filter((d) => d.destination === 'app');
    // Redrive resets the attempts: each app delivery succeeded at its first new attempt.
    expect(delivered.every((d) => d.attempts === 1)).toBe(true);
    expect(new Set(receivedIds(app).slice(6))).toEqual(new Set(ids));
    expect(new Set(receivedIds(old))).toEqual(new Set(ids));
    expect(await serve.stop('SIGTERM')).toBe(0);
  });

  it('`deliveries list` says when more match than it shows; redriving a removed destination says nothing will send them', async () => {
    const db = await database();
    const down = await endpoint((_r, res) => void res.writeHead(500).end());
    const serve = await serveForwarding(db, `${down.url};name=gone;max-attempts=1`);
    await sendEvents(serve.base, 'limits', 6);
    await untilDeliveries(db, 6, ['--status', 'dead']);
    expect(await serve.stop('SIGTERM')).toBe(0);
    // The default shows 50; a list cut short says so on stderr (stdout stays the rows).
    const five = await runCli(['deliveries', 'list', '--json', '--limit', '5', '--database', db], {
      cwd,
    });
    expect(five.code, five.stderr).toBe(0);
    expect(five.stdout.trim().split('\n')).toHaveLength(5);
    expect(five.stderr).toContain('5 shown, newest first; more match: pass --limit N to see more');
    const all = await runCli(['deliveries', 'list', '--limit', '6', '--database', db], { cwd });
    expect(all.stderr).not.toContain('more match');

    const removed = await runCli(['deliveries', 'remove', 'gone', '--database', db], { cwd });
    expect(removed.code, removed.stderr).toBe(0);
    const redriven = await runCli(
      ['deliveries', 'redrive', '--destination', 'gone', '--database', db],
      { cwd },
    );
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(redriven.stdout).toContain('redriven 6 deliveries');
    expect(redriven.stderr).toContain(
      'note: gone is not configured: no process forwards to it, so these wait until one runs with it in --forward-to',
    );
  });

  it('`serve --processes 2` delivers every event to each destination; each repeat is an attempt', async () => {
    const db = await database();
    const a = await endpoint((_r, res) => void res.writeHead(200).end());
    const b = await endpoint((_r, res) => void res.writeHead(204).end());
    const serve = await serveForwarding(db, `${a.url};name=a,${b.url};name=b`, '--processes', '2');
    const ids = await sendEvents(serve.base, 'cluster', 100);
    await untilDeliveries(db, 200, ['--status', 'delivered'], 180_000);
    const rows = await deliveries(db);
    for (const [name, e] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const got = receivedIds(e);
      // None missing.
      expect(new Set(got)).toEqual(new Set(ids));
      // At least once: a repeat is only ever a recorded second attempt (a lease that ended).
      const attempts = new Map(
        rows.filter((r) => r.destination === name).map((r) => [r.eventId, r.attempts]),
      );
      const duplicates = got.length - new Set(got).size;
      for (const id of ids) {
        expect(got.filter((g) => g === id).length).toBeLessThanOrEqual(attempts.get(id) ?? 0);
      }
      console.log(`serve --processes 2 on ${kind}, destination ${name}: ${duplicates} duplicates`);
    }
    expect(await serve.stop('SIGTERM')).toBe(0);
  });
});
