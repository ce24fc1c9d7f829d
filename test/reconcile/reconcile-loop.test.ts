// serve/work --reconcile-every: one process at a time reconciles (a lease in the database), runs
// are `everyMs` apart across processes, a dead holder's slot is taken over, and the metrics say
// how many rows were filled (created where the mirror had none) and repaired (drift) per table,
// and how the last run ended. A Retry-After longer than the client waits pauses a run (the wait
// injected: no test waits for real time), which then goes on where it was.
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReconcileMetrics } from '../../src/metrics/reconcile-metrics.js';
import { ReconcileLoop, reconcileRunLeaseName } from '../../src/reconcile/reconcile-loop.js';
import { readNamedLease } from '../../src/store/pull-operations.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import type { Store } from '../../src/store/types.js';
import { waitFor } from '../e2e/cli-harness.js';
import { useBackends } from '../store/backends.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { at, directoryUser, sampleState } from '../helpers/workos-state-fixtures.js';
import { client, openMirrorStore } from './helpers.js';
import { capturedLogs } from '../helpers/captured-logs.js';

const backends = useBackends();
let api: WorkosApiStandIn;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
});
afterAll(() => api.close());

const hour = 3600_000;

describe.each(backends)('periodic reconcile on $name', (backend) => {
  let store: Store;
  beforeEach(async () => {
    store = await openMirrorStore(backend.fresh());
    api.state = sampleState();
  });

  it('one process runs per interval; metrics count filled and repaired rows and the last outcome', async () => {
    const now = { ms: Date.parse(at(3600)) };
    const clock = { now: () => now.ms };
    const { lines: logs, logger } = capturedLogs();
    const metrics = [createReconcileMetrics(), createReconcileMetrics()];
    const loops = metrics.map(
      (m, i) =>
        new ReconcileLoop({
          store,
          api: client(api, { maxRetries: 0 }),
          logger,
          metrics: m,
          everyMs: hour,
          leaseMs: 30_000,
          owner: `process-${i}`,
          clock,
        }),
    );
    expect(await loops[0]!.tick()).toBe(true);
    expect(await loops[1]!.tick()).toBe(false); // the slot is taken until the next run is due
    // The mirror was empty: the first run fills it, and that is no drift (a first deploy must not
    // fire the alert on repairs).
    const text = await metrics[0]!.registry.metrics();
    expect(text).toMatch(
      /^workos_inbox_reconcile_rows_filled_total\{table="directory_users"\} 12$/m,
    );
    expect(text).toMatch(/^workos_inbox_reconcile_rows_filled_total\{table="organizations"\} 2$/m);
    expect(repairedSeries(text).length).toBe(27); // 9 tables × created, updated, deleted
    expect(repairedSeries(text).filter((line) => !line.endsWith(' 0'))).toEqual([]);
    expect(text).toMatch(/reconcile_last_run_success 1/);
    expect(logs.find((l) => l.msg === 'reconcile filled empty mirror tables')).toMatchObject({
      filled: { directory_users: 12, organizations: 2 },
      repaired: {},
    });

    // Drift (a user WorkOS deleted, one it created, both without an event), then the next slot:
    // whichever process asks first runs it; now every change is a repair.
    api.state.directoryUsers.splice(0, 1);
    api.state.directoryUsers.unshift(
      directoryUser('directory_user_new', [api.state.directoryGroups[0]!]),
    );
    now.ms += hour / 2;
    expect(await loops[0]!.tick()).toBe(false);
    expect(await loops[1]!.tick()).toBe(false);
    now.ms += hour / 2 + 1;
    expect(await loops[1]!.tick()).toBe(true);
    const drifted = await metrics[1]!.registry.metrics();
    expect(drifted).toMatch(
      /^workos_inbox_reconcile_rows_repaired_total\{table="directory_users",change="deleted"\} 1$/m,
    );
    expect(drifted).toMatch(
      /^workos_inbox_reconcile_rows_repaired_total\{table="directory_users",change="created"\} 1$/m,
    );
    expect(drifted).toMatch(
      /^workos_inbox_reconcile_rows_filled_total\{table="directory_users"\} 0$/m,
    );
    expect(logs.at(-1)).toMatchObject({
      msg: 'reconcile repaired the mirror',
      repaired: { directory_users: { created: 1, updated: 0, deleted: 1 } },
      filled: {},
    });

    // A failing run: outcome 0, counted as a failure, logged with where it stopped.
    now.ms += hour + 1;
    api.failNext({ status: 500 });
    expect(await loops[0]!.tick()).toBe(true);
    const failed = await metrics[0]!.registry.metrics();
    expect(failed).toMatch(/reconcile_last_run_success 0/);
    expect(failed).toMatch(/reconcile_runs_total\{outcome="failure"\} 1/);
    expect(JSON.stringify(logs.at(-1))).toContain('reconcile stopped while reading organizations');
  });

  it('a run that stops counts what it filled; the next one fills the tables still empty', async () => {
    const now = { ms: Date.parse(at(3600)) };
    const metrics = createReconcileMetrics();
    const real = client(api, { maxRetries: 0 });
    let connectionsDown = true;
    const loop = new ReconcileLoop({
      store,
      api: {
        get: (path) =>
          connectionsDown && path.startsWith('/connections')
            ? Promise.reject(new Error('connections are down'))
            : real.get(path),
      },
      logger: pino({ level: 'silent' }),
      metrics,
      everyMs: hour,
      clock: { now: () => now.ms },
    });
    expect(await loop.tick()).toBe(true);
    let text = await metrics.registry.metrics();
    expect(text).toMatch(/reconcile_runs_total\{outcome="failure"\} 1/);
    expect(text).toMatch(
      /^workos_inbox_reconcile_rows_filled_total\{table="directory_users"\} 12$/m,
    );
    expect(text).toMatch(/^workos_inbox_reconcile_rows_filled_total\{table="connections"\} 0$/m);
    expect(repairedSeries(text).filter((line) => !line.endsWith(' 0'))).toEqual([]);
    connectionsDown = false;
    now.ms += hour + 1;
    expect(await loop.tick()).toBe(true);
    text = await metrics.registry.metrics();
    expect(text).toMatch(/reconcile_runs_total\{outcome="success"\} 1/);
    expect(text).toMatch(/^workos_inbox_reconcile_rows_filled_total\{table="connections"\} 2$/m);
    expect(text).toMatch(
      /^workos_inbox_reconcile_rows_filled_total\{table="directory_users"\} 12$/m,
    );
    expect(repairedSeries(text).filter((line) => !line.endsWith(' 0'))).toEqual([]);
  });

  it('a holder that died mid-run loses its slot after the lease; another process takes over', async () => {
    const now = { ms: Date.parse(at(3600)) };
    const clock = { now: () => now.ms };
    const logger = pino({ level: 'silent' });
    // Took the lease and died (never renewed it, never extended it to the next slot).
    await store.takeNamedLease(
      'mirror_reconcile',
      'dead-process',
      new Date(now.ms + 30_000),
      new Date(now.ms),
    );
    const loop = new ReconcileLoop({
      store,
      api: client(api),
      logger,
      everyMs: hour,
      leaseMs: 30_000,
      clock,
    });
    expect(await loop.tick()).toBe(false);
    now.ms += 30_001;
    expect(await loop.tick()).toBe(true);
  });

  it('a run waiting on WorkOS longer than its lease keeps both leases; no other process runs beside it', async () => {
    const now = { ms: Date.parse(at(3600)) };
    const clock = { now: () => now.ms };
    const make = (owner: string) =>
      new ReconcileLoop({
        store,
        api: client(api, { maxRetries: 0 }),
        logger: pino({ level: 'silent' }),
        everyMs: hour,
        leaseMs: 30_000,
        heartbeatMs: 1,
        owner,
        clock,
      });
    const [a, b] = [make('process-0'), make('process-1')];
    const expiries = async () =>
      Promise.all(
        ['mirror_reconcile', reconcileRunLeaseName].map(async (name) =>
          (await store.read((db) => readNamedLease(db, name)))?.expiresAt.getTime(),
        ),
      );
    let answered: () => void = () => {};
    const held = new Promise<void>((resolve) => (answered = resolve));
    let waiting: () => void = () => {};
    const asked = new Promise<void>((resolve) => (waiting = resolve));
    api.beforeAnswer = async () => {
      api.beforeAnswer = undefined;
      waiting();
      await held;
    };
    try {
      const running = a.tick();
      await asked;
      // WorkOS takes a minute to answer the first page; each lease lasts 30 s unrenewed.
      now.ms += 60_000;
      await waitFor(async () => {
        const [slot, run] = await expiries();
        return slot === now.ms + 30_000 && run === now.ms + 30_000;
      }, 'the heartbeats to renew both leases');
      const requests = api.requests.length;
      expect(await b.tick()).toBe(false);
      expect(api.requests.length).toBe(requests);
      answered();
      expect(await running).toBe(true);
    } finally {
      api.beforeAnswer = undefined;
      answered();
    }
    expect(await mirrorCount(store)).toBe(12);
  });

  it('stopped by shutdown mid-run: said once at info, no failed run counted, the last run metrics still those of the last run that ended', async () => {
    const now = { ms: Date.parse(at(3600)) };
    const { lines: logs, logger } = capturedLogs();
    const metrics = createReconcileMetrics();
    // As serve wires it: stopping ends the request to WorkOS in flight.
    const stopping = new AbortController();
    const loop = new ReconcileLoop({
      store,
      api: new WorkosApiClient({
        apiKey: api.apiKey,
        apiUrl: api.url,
        maxRetries: 0,
        signal: stopping.signal,
      }),
      logger,
      metrics,
      everyMs: hour,
      clock: { now: () => now.ms },
      onStop: () => stopping.abort(),
    });
    expect(await loop.tick()).toBe(true);
    const firstEnded = now.ms / 1000;
    // Drift the next run repairs before it is stopped: a deleted organization (the first list).
    api.state.organizations.splice(0, 1);
    now.ms += hour + 1;
    const before = api.requests.length;
    let answer: () => void = () => {};
    const held = new Promise<void>((resolve) => (answer = resolve));
    let asked: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => (asked = resolve));
    api.beforeAnswer = async (n) => {
      if (n !== before + 3) return;
      asked();
      await held;
    };
    const logged = logs.length;
    try {
      const running = loop.tick();
      await inFlight;
      await loop.stop();
      expect(await running).toBe(true);
    } finally {
      api.beforeAnswer = undefined;
      answer();
    }
    const said = logs.slice(logged).filter((l) => l.msg.startsWith('reconcile stopped'));
    expect(said).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'reconcile stopped by shutdown; the next run starts over',
        stoppedAt: expect.stringContaining('reading'),
      }),
    ]);
    expect(logs.slice(logged).filter((l) => l.level >= 40)).toEqual([]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^workos_inbox_reconcile_runs_total\{outcome="success"\} 1$/m);
    expect(text).not.toMatch(/reconcile_runs_total\{outcome="failure"\}/);
    expect(text).toMatch(/^workos_inbox_reconcile_last_run_success 1$/m);
    expect(text).toMatch(
      new RegExp(`^workos_inbox_reconcile_last_run_timestamp_seconds ${firstEnded}$`, 'm'),
    );
    // What it repaired before the shutdown was written, and counts.
    expect(text).toMatch(
      /^workos_inbox_reconcile_rows_repaired_total\{table="organizations",change="deleted"\} 1$/m,
    );
  });

  it('never runs beside a reconcile by hand: the round waits while another holds the run lease, and gives the run lease back after its own run', async () => {
    const now = { ms: Date.parse(at(3600)) };
    const clock = { now: () => now.ms };
    const { lines: logs, logger } = capturedLogs();
    // A `workos-inbox reconcile` is running (it holds the run lease, not the periodic one's).
    await store.takeNamedLease(
      reconcileRunLeaseName,
      'cli-reconcile-1',
      new Date(now.ms + 30_000),
      new Date(now.ms),
    );
    const loop = new ReconcileLoop({
      store,
      api: client(api, { maxRetries: 0 }),
      logger,
      everyMs: hour,
      leaseMs: 30_000,
      owner: 'process-0',
      clock,
    });
    const requests = api.requests.length;
    expect(await loop.tick()).toBe(false);
    expect(api.requests.length).toBe(requests); // nothing read from WorkOS
    expect(logs.at(-1)).toMatchObject({
      msg: 'another reconcile is running on this database; this one waits for it to end',
      holder: 'cli-reconcile-1',
    });
    // Not pushed back a whole interval: it runs as soon as the other one has ended.
    await store.releaseNamedLease(reconcileRunLeaseName, 'cli-reconcile-1');
    const holders = new Set<string | undefined>();
    api.beforeAnswer = async () => {
      holders.add((await store.read((db) => readNamedLease(db, reconcileRunLeaseName)))?.owner);
    };
    try {
      expect(await loop.tick()).toBe(true);
    } finally {
      api.beforeAnswer = undefined;
    }
    expect([...holders]).toEqual(['process-0']);
    expect(await store.read((db) => readNamedLease(db, reconcileRunLeaseName))).toBeUndefined();
    expect(await mirrorCount(store)).toBe(12);
  });
});

describe.each(backends)('periodic reconcile paused by a long Retry-After on $name', (backend) => {
  let store: Store;
  beforeEach(async () => {
    store = await openMirrorStore(backend.fresh());
    api.state = sampleState();
  });

  it('the run pauses until then (logged with the time), then goes on from the refused request: nothing asked twice', async () => {
    const started = Date.parse(at(3600));
    const now = { ms: started };
    const { lines: logs, logger } = capturedLogs();
    const metrics = createReconcileMetrics();
    const slept: number[] = [];
    const loop = new ReconcileLoop({
      store,
      api: client(api, { maxRetries: 0 }),
      logger,
      metrics,
      everyMs: hour,
      clock: { now: () => now.ms },
      sleep: async (ms) => {
        slept.push(ms);
        now.ms += ms;
      },
    });
    // Part way through the run (after organizations, directories and the first groups), WorkOS
    // asks for an hour: longer than the client waits, so the client gives up on the request.
    const before = api.requests.length;
    api.beforeAnswer = (n) => {
      if (n === before + 4) api.failNext({ status: 429, retryAfter: '3600' });
    };
    try {
      expect(await loop.tick()).toBe(true);
    } finally {
      api.beforeAnswer = undefined;
    }
    expect(slept).toEqual([hour]);
    const until = new Date(started + hour).toISOString();
    const paused = logs.filter((l) => l.msg.startsWith('reconcile paused'));
    expect(paused).toHaveLength(1);
    expect(paused[0]).toMatchObject({ level: 40, until });
    expect(paused[0]!.msg).toContain(
      `reconcile paused until ${until}, as WorkOS's Retry-After asks`,
    );
    // The run finished as one run.
    expect(await mirrorCount(store)).toBe(12);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/reconcile_runs_total\{outcome="success"\} 1/);
    expect(text).toMatch(/reconcile_last_run_success 1/);
    expect(logs.at(-1)).toMatchObject({ msg: 'reconcile filled empty mirror tables' });
    // What a run without the pause asks for, in the same order, with only the refused request
    // asked again: nothing read before the pause was read twice.
    const pausedRun = api.requests.slice(before).map((r) => r.url);
    now.ms += hour + 1;
    const second = api.requests.length;
    expect(await loop.tick()).toBe(true);
    const cleanRun = api.requests.slice(second).map((r) => r.url);
    expect(pausedRun[3]).toBe(pausedRun[4]);
    expect(pausedRun.toSpliced(3, 1)).toEqual(cleanRun);
  });

  it('stopped during the pause (SIGTERM): the wait ends at once, the run lease is given back, and no process asks WorkOS before the pause ends', async () => {
    const started = Date.parse(at(3600));
    const now = { ms: started };
    const clock = { now: () => now.ms };
    const { lines: logs, logger } = capturedLogs();
    const metrics = createReconcileMetrics();
    const make = (owner: string, sleep?: (ms: number, signal: AbortSignal) => Promise<void>) =>
      new ReconcileLoop({
        store,
        api: client(api, { maxRetries: 0 }),
        logger,
        metrics,
        everyMs: hour,
        leaseMs: 30_000,
        owner,
        clock,
        ...(sleep ? { sleep } : {}),
      });
    let sleeping: (ms: number) => void = () => {};
    const asleep = new Promise<number>((resolve) => (sleeping = resolve));
    // Waits until stopped, however long it was asked to.
    const a = make(
      'process-0',
      (ms, signal) =>
        new Promise<void>((resolve) => {
          sleeping(ms);
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
    );
    api.failNext({ status: 429, retryAfter: '3600' });
    const before = api.requests.length;
    const running = a.tick();
    expect(await Promise.race([asleep, running.then(() => 'the run ended without pausing')])).toBe(
      hour,
    );
    await a.stop();
    expect(await running).toBe(true);
    expect(api.requests.length).toBe(before + 1);
    // A shutdown is no failure: said once, at info, with the time the next run waits for.
    const until = new Date(started + hour).toISOString();
    expect(logs.filter((l) => l.msg.startsWith('reconcile stopped'))).toEqual([
      expect.objectContaining({
        level: 30,
        until,
        msg: `reconcile stopped by shutdown during the pause WorkOS asked for; the next run starts over, not before ${until}`,
      }),
    ]);
    expect(logs.filter((l) => l.level >= 40 && !l.msg.startsWith('reconcile paused'))).toEqual([]);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/reconcile_runs_total\{/);
    expect(text).toMatch(/^workos_inbox_reconcile_last_run_timestamp_seconds 0$/m);
    // The run lease is given back (free to take at once) and keeps the pause WorkOS asked for.
    const runLease = await store.read((db) => readNamedLease(db, reconcileRunLeaseName));
    expect(runLease?.expiresAt.getTime()).toBeLessThanOrEqual(now.ms);
    expect(runLease?.pause?.until.getTime()).toBe(started + hour);
    // The slot is kept until the time WorkOS named: another process (or this one restarted)
    // does not ask before then, and starts the run over after.
    const slot = await store.read((db) => readNamedLease(db, 'mirror_reconcile'));
    expect(slot?.expiresAt.getTime()).toBe(started + hour);
    const b = make('process-1');
    now.ms += hour - 1;
    expect(await b.tick()).toBe(false);
    expect(api.requests.length).toBe(before + 1);
    now.ms += 1;
    expect(await b.tick()).toBe(true);
    expect(await mirrorCount(store)).toBe(12);
  });
  it('killed during the pause: the process that takes over asks WorkOS nothing before the time it named, says once that it waits, then runs', async () => {
    const started = Date.parse(at(3600));
    const now = { ms: started };
    const clock = { now: () => now.ms };
    const { lines: logs, logger } = capturedLogs();
    const db = backend.fresh();
    const [storeA, storeB] = [await openMirrorStore(db), await openMirrorStore(db)];
    const make = (
      s: Store,
      owner: string,
      sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
    ) =>
      new ReconcileLoop({
        store: s,
        api: client(api, { maxRetries: 0 }),
        logger,
        everyMs: hour,
        leaseMs: 30_000,
        // No renewal during the test: a killed process renews nothing.
        heartbeatMs: hour,
        owner,
        clock,
        ...(sleep ? { sleep } : {}),
      });
    // process-0 pauses for the hour WorkOS asks, and is killed during it (SIGKILL, a crash):
    // its wait never ends, and its leases are neither renewed nor given back.
    let sleeping: (ms: number) => void = () => {};
    const asleep = new Promise<number>((resolve) => (sleeping = resolve));
    const a = make(storeA, 'process-0', (ms) => {
      sleeping(ms);
      return new Promise<void>(() => {});
    });
    api.failNext({ status: 429, retryAfter: '3600' });
    const before = api.requests.length;
    void a.tick();
    expect(await asleep).toBe(hour);
    expect(api.requests.length).toBe(before + 1);
    // Its leases run out 30 s later: process-1 takes the slot and asks nothing before the hour
    // ends, said once, with the time and why.
    const b = make(storeB, 'process-1');
    now.ms += 30_000;
    expect(await b.tick()).toBe(false);
    expect(api.requests.length).toBe(before + 1);
    const until = new Date(started + hour).toISOString();
    const reason = 'GET /organizations: 429 injected 429, with a Retry-After of 3600 s (1 h)';
    const waits = () => logs.filter((l) => l.msg.startsWith('reconcile waits until'));
    expect(waits()).toEqual([
      expect.objectContaining({
        level: 40,
        until,
        reason,
        msg: `reconcile waits until ${until}: WorkOS asked not to be asked again before then (${reason}), a pause kept in the database; the run starts then`,
      }),
    ]);
    now.ms = started + hour - 1;
    expect(await b.tick()).toBe(false);
    expect(api.requests.length).toBe(before + 1);
    expect(waits()).toHaveLength(1);
    // Then it runs, from the start, and the pause is gone with it.
    now.ms += 1;
    expect(await b.tick()).toBe(true);
    expect(api.requests.length).toBeGreaterThan(before + 1);
    expect(await mirrorCount(storeB)).toBe(12);
    expect(await storeB.read((db) => readNamedLease(db, reconcileRunLeaseName))).toBeUndefined();
  });
});

async function mirrorCount(store: Store): Promise<number> {
  const { rows } = await store.read((db) =>
    db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM workos_directory_users'),
  );
  return Number(rows[0]!.n);
}

/** The lines of `workos_inbox_reconcile_rows_repaired_total`'s series. */
function repairedSeries(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('workos_inbox_reconcile_rows_repaired_total{'));
}
