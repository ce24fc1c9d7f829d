// `workos-inbox deliveries …` through the built CLI on SQLite and PostgreSQL, against a database
// prepared in the test's process (destinations written, events appended): no `serve` needed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  claimDeliveries,
  finishDeliveries,
  syncDestinations,
} from '../../src/forward/delivery-operations.js';
import { eventDeliveries } from '../../src/forward/delivery-queries.js';
import { resolveMirror } from '../../src/inbox/mirror-setup.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { appendBacklog } from '../helpers/backlog.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { newEvent } from '../store/backends.js';
import { ensureBuilt, killAll, runCli, startServe, waitFor } from './cli-harness.js';

describe.each(['sqlite', 'postgres'] as const)('`deliveries` commands on %s', (kind) => {
  let cwd: string;
  const drops: (() => Promise<void>)[] = [];
  const stores: Store[] = [];
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-deliveries-cli-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  afterAll(async () => {
    killAll();
    for (const drop of drops) await drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  let databases = 0;
  /** A migrated database with the destinations `app` (every event) and `old`, and one event. */
  async function prepared(): Promise<{ db: string; store: Store }> {
    let db = join(cwd, `inbox-${databases++}.db`);
    if (kind === 'postgres') {
      const pg = await createTestDatabase('wi_e2e_deliveries_cli');
      drops.push(pg.drop);
      db = pg.url;
    }
    const store = await openStore({
      database: db,
      migrationSets: resolveMirror(true).migrationSets,
      poolSize: 2,
    });
    stores.push(store);
    await store.migrate();
    await store.writeTransaction((tx) =>
      syncDestinations(tx, [
        { name: 'app', events: ['*'], ordered: false },
        { name: 'old', events: ['*'], ordered: false },
      ]),
    );
    await store.append(newEvent());
    return { db, store };
  }

  const cli = (...args: string[]) => runCli(['deliveries', ...args], { cwd });

  it('`redrive` takes pending, retrying or dead; delivered only naming one delivery; delivering exits 2', async () => {
    const { db } = await prepared();
    for (const args of [
      ['--status', 'delivering'],
      ['--status', 'delivered'],
      ['--status', 'delivered', '--destination', 'app'],
    ]) {
      const r = await cli('redrive', ...args, '--database', db);
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect((await cli('redrive', '--status', 'delivering', '--database', db)).stderr).toContain(
      'pending, retrying or dead',
    );
    expect(
      (await cli('redrive', '--status', 'delivered', '--destination', 'app', '--database', db))
        .stderr,
    ).toContain('--event-id');
    const ok = await cli('redrive', '--status', 'pending', '--database', db);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('redriven 2 deliveries\n'); // --json as `events redrive --json`: one object on stdout.
    const json = await cli('redrive', '--status', 'pending', '--json', '--database', db);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ redriven: 2 });
  });

  it('`redrive --status delivered --event-id --destination` sends a delivered delivery again, unless its event was pruned', async () => {
    const { db, store } = await prepared();
    const [e] = (await store.list({ limit: 1 })).events;
    const id = e!.id;
    // Delivered to app by a forwarder, and the event handled: what a destination that lost data
    // asks to be sent again.
    await store.writeTransaction(async (tx) => {
      await claimDeliveries(tx, {
        destination: 'app',
        owner: 'w',
        limit: 1,
        leaseMs: 60_000,
        now: new Date(),
        ordered: false,
      });
      await finishDeliveries(tx, 'w', [
        {
          eventId: id,
          destination: 'app',
          outcome: 'delivered',
          nextAttemptAt: null,
          statusCode: 200,
          error: null,
          now: new Date(),
        },
      ]);
    });
    const args = ['--status', 'delivered', '--event-id', id, '--destination', 'app'];
    const r = await cli('redrive', ...args, '--database', db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('redriven 1 delivery\n');
    const [app] = await store.read((d) => eventDeliveries(d, id));
    expect(app).toMatchObject({ destination: 'app', status: 'pending', attempts: 0 });
    expect(app!.attemptLog.map((a) => [a.outcome, a.statusCode])).toEqual([['delivered', 200]]);
    // Its payload pruned: refused, exit 5, nothing queued.
    await store.writeTransaction((tx) =>
      tx.query(`UPDATE workos_inbox_events SET pruned_at = $1 WHERE id = $2`, [new Date(), id]),
    );
    await store.writeTransaction((tx) =>
      tx.query(
        `UPDATE workos_inbox_deliveries SET status = 'delivered' WHERE event_id = $1 AND destination = 'app'`,
        [id],
      ),
    );
    const pruned = await cli('redrive', ...args, '--database', db);
    expect(pruned.code, pruned.stdout).toBe(5);
    expect(pruned.stderr).toContain(`event ${id} was pruned`);
    expect(pruned.stderr).toContain('its payload is gone');
    expect(pruned.stdout).toBe('');
  });

  // A redrive naming an event id that has no delivery printed "redriven 0 deliveries" and exited
  // 0, as if none of them were dead: a mistyped id read as done. Not found is exit 4, as for
  // `events show <id>` and an unknown --destination; a filter that matches nothing stays exit 0.
  it('`redrive --event-id` with no such event or delivery exits 4; a filter matching nothing exits 0', async () => {
    const { db, store } = await prepared();
    const [e] = (await store.list({ limit: 1 })).events;
    const id = e!.id;
    const notFound = async (args: string[], message: string) => {
      const r = await cli('redrive', ...args, '--database', db);
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(4);
      expect(r.stderr).toBe(`workos-inbox: ${message}\n`);
      expect(r.stdout).toBe('');
      // --json: the same, as one object on stdout.
      const json = await cli('redrive', ...args, '--json', '--database', db);
      expect(json.code).toBe(4);
      expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'not_found', message } });
    };
    await notFound(['--event-id', 'event_nope'], 'no event with id event_nope');
    await notFound(
      ['--event-id', 'event_nope', '--status', 'pending'],
      'no event with id event_nope',
    );
    await notFound(
      ['--status', 'delivered', '--event-id', 'event_nope', '--destination', 'app'],
      'no event with id event_nope',
    );
    // The event exists, without a delivery to old (it arrived before old was configured).
    await store.writeTransaction((tx) =>
      tx.query(`DELETE FROM workos_inbox_deliveries WHERE event_id = $1 AND destination = 'old'`, [
        id,
      ]),
    );
    await notFound(
      ['--event-id', id, '--destination', 'old'],
      `event ${id} has no delivery to old (it has: app)`,
    );
    // An event no destination took.
    const lone = newEvent();
    await store.append(lone);
    await store.writeTransaction((tx) =>
      tx.query(`DELETE FROM workos_inbox_deliveries WHERE event_id = $1`, [lone.id]),
    );
    await notFound(['--event-id', lone.id], `event ${lone.id} has no deliveries`);
    // An unknown destination: exit 4 as before, now --json says it too.
    await notFound(
      ['--destination', 'ap'],
      'no destination named ap. Did you mean: app, old? (destinations: app, old)',
    );

    // Its delivery exists but is not dead: nothing to redrive (exit 0), and a note says what it is.
    const pendingOnly = await cli('redrive', '--event-id', id, '--database', db);
    expect(pendingOnly.code, pendingOnly.stderr).toBe(0);
    expect(pendingOnly.stdout).toBe('redriven 0 deliveries\n');
    expect(pendingOnly.stderr).toBe(
      `note: no delivery of event ${id} is dead (app: pending); --status chooses which to redrive\n`,
    );
    // Filters that match nothing: "redriven 0", exit 0, no note.
    for (const args of [[], ['--destination', 'app'], ['--status', 'retrying']]) {
      const r = await cli('redrive', ...args, '--database', db);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe('redriven 0 deliveries\n');
      expect(r.stderr).toBe('');
    }
    const none = await cli('redrive', '--json', '--database', db);
    expect(JSON.parse(none.stdout)).toEqual({ redriven: 0 });
    // And the id, once its delivery is dead: redriven.
    await store.writeTransaction((tx) =>
      tx.query(`UPDATE workos_inbox_deliveries SET status = 'dead' WHERE event_id = $1`, [id]),
    );
    const dead = await cli('redrive', '--event-id', id, '--json', '--database', db);
    expect(dead.code, dead.stderr).toBe(0);
    expect(JSON.parse(dead.stdout)).toEqual({ redriven: 1 });
    expect(dead.stderr).toBe('');
  });

  // More dead deliveries than any page or batch the code uses (1000: lists, redrive windows):
  // a redrive without an event id is one statement over them all, each queued and logged once.
  it('`redrive` of a dead backlog larger than any page queues every dead delivery once', async () => {
    const { db, store } = await prepared();
    const [first] = (await store.list({ limit: 1 })).events;
    await appendBacklog(
      store,
      Array.from({ length: 1200 }, () => newEvent()),
    );
    // Every delivery but the first event's dead after a last attempt that failed.
    await store.writeTransaction((tx) =>
      tx.query(
        `UPDATE workos_inbox_deliveries
         SET status = 'dead', attempts = 10, next_attempt_at = NULL, attempt_worker = 'w',
             attempt_started_at = $1, attempt_finished_at = $1, attempt_outcome = 'dead',
             last_status_code = 500, last_error = 'HTTP 500'
         WHERE event_id <> $2`,
        [new Date(), first!.id],
      ),
    );
    const counts = async () => {
      const { rows } = await store.read((d) =>
        d.query<{ status: string; attempts: number | string; n: number | string }>(
          `SELECT status, attempts, COUNT(*) AS n FROM workos_inbox_deliveries
           GROUP BY status, attempts ORDER BY status, attempts`,
        ),
      );
      return rows.map((r) => [r.status, Number(r.attempts), Number(r.n)]);
    };
    expect(await counts()).toEqual([
      ['dead', 10, 2400],
      ['pending', 0, 2],
    ]);
    const r = await cli('redrive', '--database', db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('redriven 2400 deliveries\n');
    expect(await counts()).toEqual([['pending', 0, 2402]]);
    // Each one's failed attempt logged once, not once per page.
    const { rows: logged } = await store.read((d) =>
      d.query<{ n: number | string; deliveries: number | string }>(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT event_id || '/' || destination) AS deliveries
         FROM workos_inbox_delivery_attempts WHERE outcome = 'dead'`,
      ),
    );
    expect(logged.map((l) => [Number(l.n), Number(l.deliveries)])).toEqual([[2400, 2400]]);
    expect((await cli('redrive', '--database', db)).stdout).toBe('redriven 0 deliveries\n');
  });

  it('`remove` stops queuing for a destination, keeps its deliveries, and is idempotent', async () => {
    const { db, store } = await prepared();
    const removed = await cli('remove', 'old', '--database', db);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('removed old: new events queue no delivery for it');
    expect(removed.stdout).toContain(
      '1 of its deliveries is unfinished (pending 1, retrying 0, delivering 0, dead 0)',
    );
    expect(removed.stdout).toContain('deliveries redrive --destination old');
    expect(removed.stdout).toContain('leave them to retention');
    expect(removed.stdout).toContain('--forward-to');
    // New events queue a delivery for app only; old's delivery is still listed.
    const later = newEvent();
    await store.append(later);
    expect(
      (await store.read((d) => eventDeliveries(d, later.id))).map((x) => x.destination),
    ).toEqual(['app']);
    const listed = await cli('list', '--destination', 'old', '--json', '--database', db);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    // Again: nothing to remove, said plainly, exit 0.
    const again = await cli('remove', 'old', '--database', db);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('old is not configured (removed already)');
    expect(again.stdout).toContain('1 of its deliveries is unfinished');
    // A name nothing knows: exit 4 as `resume` does, with the names there are.
    const typo = await cli('remove', 'ap', '--database', db);
    expect(typo.code).toBe(4);
    expect(typo.stderr).toContain('no destination named ap. Did you mean: app');
    // The help lists it beside the other deliveries commands.
    const help = await cli('--help');
    expect(help.stdout).toMatch(/remove \[options\] <destination>/);
  });

  it('`serve` and `work` that run the worker without --forward-to warn of stored destinations', async () => {
    const { db } = await prepared();
    const warning =
      /"msg":"the database has forwarding destinations, but this process has no --forward-to[^\n]*deliveries remove/;
    const warnings = (stdout: string) => stdout.split('\n').filter((line) => warning.test(line));
    const run = async (command: 'serve' | 'work', ...args: string[]) => {
      const p = await startServe(['--database', db, ...args], { cwd, command });
      if (command === 'work' || !args.includes('--no-worker')) {
        await waitFor(async () => warnings(p.output().stdout).length > 0, `${command}'s warning`);
      }
      expect(await p.stop('SIGTERM')).toBe(0);
      return warnings(p.output().stdout);
    };
    const [line] = await run('work');
    expect(JSON.parse(line!)).toMatchObject({ level: 40, destinations: ['app', 'old'] });
    // Once, from the worker thread (the main thread runs no worker).
    expect(await run('serve')).toHaveLength(1);
    // A receiver only queues: nothing is expected of it.
    expect(await run('serve', '--no-worker')).toEqual([]);
    // Several processes: said once, by the primary, not once per process.
    for (const command of ['work', 'serve'] as const) {
      const p = await startServe(['--database', db, '--processes', '2'], { cwd, command });
      const started =
        command === 'work'
          ? /"msg":"workos-inbox worker running"/g
          : /"msg":"workos-inbox serving"/g;
      // Both processes started (each would have warned before saying so).
      await waitFor(
        async () => (p.output().stdout.match(started) ?? []).length === 2,
        `both ${command} processes started\n${p.output().stdout}`,
      );
      expect(await p.stop('SIGTERM')).toBe(0);
      expect(warnings(p.output().stdout), command).toHaveLength(1);
    }
  });
});
