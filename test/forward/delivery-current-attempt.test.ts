// Store migration 0007: a delivery's latest attempt lives on its own row and the attempt log keeps
// the earlier ones, so a delivery that succeeds at its first attempt writes no attempt row. What
// `events show` and the admin API list is unchanged: the log's attempts, then the row's. A
// database that version 6 left, with attempts in flight, upgrades to the same lists.
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  claimDeliveries,
  finishDeliveries,
  releaseDeliveries,
  syncDestinations,
} from '../../src/forward/delivery-operations.js';
import type { DeliveryResult } from '../../src/forward/delivery-operations.js';
import { toDeliveryAttempt } from '../../src/forward/delivery-rows.js';
import type { DeliveryAttemptRow } from '../../src/forward/delivery-rows.js';
import { toDeliveryAttemptJson } from '../../src/forward/delivery-json.js';
import { eventDeliveries, redriveDeliveries } from '../../src/forward/delivery-queries.js';
import { coreMigrationSet } from '../../src/store/core-migrations.js';
import { eventsApiMigrationSet } from '../../src/store/events-api-migrations.js';
import { applyMigrations } from '../../src/store/migration-runner.js';
import type { MigrationSession } from '../../src/store/migration-runner.js';
import { postgresExecutor } from '../../src/store/postgres/postgres-executor.js';
import { sqliteExecutor } from '../../src/store/sqlite/sqlite-executor.js';
import type { Store } from '../../src/store/types.js';
import { at, newEvent, useBackends } from '../store/backends.js';
import type { Backend, TestDb } from '../store/backends.js';

const backends = useBackends();

const claim = (store: Store, now: Date, owner = 'w1', limit = 10) =>
  store.writeTransaction((tx) =>
    claimDeliveries(tx, { destination: 'a', owner, limit, leaseMs: 30_000, now, ordered: false }),
  );

const finish = (
  store: Store,
  owner: string,
  eventId: string,
  outcome: DeliveryResult['outcome'],
  statusCode: number,
  now: Date,
) =>
  store.writeTransaction((tx) =>
    finishDeliveries(tx, owner, [
      {
        eventId,
        destination: 'a',
        outcome,
        nextAttemptAt: outcome === 'retrying' ? new Date(now.getTime() + 1_000) : null,
        statusCode,
        error: statusCode >= 300 ? `answered ${statusCode}` : null,
        now,
      },
    ]),
  );

const logRows = async (db: TestDb) =>
  Number(
    (
      await db.sql<{ n: number | string }>(
        'SELECT count(*) AS n FROM workos_inbox_delivery_attempts',
      )
    )[0]!.n,
  );

/** The delivery's attempts as the admin API and `events show --json` print them. */
const attemptsOf = async (store: Store, eventId: string) => {
  const [delivery] = await store.read((db) => eventDeliveries(db, eventId));
  return delivery!.attemptLog.map(toDeliveryAttemptJson);
};

/** A session on the test database outside any store, to build the schema version 6 left. */
async function rawSession(
  backend: Backend,
  db: TestDb,
): Promise<{ session: MigrationSession; close: () => Promise<void> }> {
  if (backend.name === 'sqlite') {
    const native = new Database(db.options.database);
    native.pragma('foreign_keys = ON');
    return { session: sqliteExecutor(native), close: async () => void native.close() };
  }
  const client = new pg.Client({
    connectionString: db.options.database,
    options: `-c search_path=${db.options.schema}`,
  });
  await client.connect();
  await client.query(`CREATE SCHEMA ${db.options.schema}`);
  return { session: postgresExecutor(client), close: () => client.end() };
}

describe.each(backends)('the latest attempt on the delivery row, $name', (backend) => {
  it('a first attempt that succeeds writes no attempt row; retries, lost leases and releases are logged', async () => {
    const db = backend.fresh();
    const store = await db.open();
    await store.migrate();
    await store.writeTransaction((tx) =>
      syncDestinations(tx, [{ name: 'a', events: ['*'], ordered: false }]),
    );
    const [ok, flaky, lost] = [newEvent(), newEvent(), newEvent()];
    for (const e of [ok, flaky, lost]) await store.append(e);
    expect(await claim(store, at(0))).toHaveLength(3);
    // In flight: the row's attempt, open.
    expect(await attemptsOf(store, ok.id)).toEqual([
      {
        attempt: 1,
        worker: 'w1',
        startedAt: at(0).toISOString(),
        finishedAt: null,
        statusCode: null,
        outcome: null,
        error: null,
      },
    ]);
    expect(await finish(store, 'w1', ok.id, 'delivered', 204, at(5))).toBe(1);
    expect(await finish(store, 'w1', flaky.id, 'retrying', 503, at(6))).toBe(1);
    expect(await logRows(db)).toBe(0);
    expect(await attemptsOf(store, ok.id)).toEqual([
      {
        attempt: 1,
        worker: 'w1',
        startedAt: at(0).toISOString(),
        finishedAt: at(5).toISOString(),
        statusCode: 204,
        outcome: 'delivered',
        error: null,
      },
    ]);

    // The retry's claim logs attempt 1; `lost`'s lease ran out, so w2 claims it again and its
    // open attempt is logged as lost, ended by that claim.
    const again = await claim(store, at(30_000), 'w2');
    expect(again.map((d) => [d.eventId, d.attempts]).sort()).toEqual(
      [
        [flaky.id, 2],
        [lost.id, 2],
      ].sort(),
    );
    expect(await logRows(db)).toBe(2);
    // The old holder's outcome is not recorded: the delivery is w2's now.
    expect(await finish(store, 'w1', lost.id, 'delivered', 200, at(30_001))).toBe(0);
    expect(await finish(store, 'w2', flaky.id, 'delivered', 200, at(30_002))).toBe(1);
    expect(
      (await attemptsOf(store, flaky.id)).map((a) => [a.attempt, a.outcome, a.statusCode, a.error]),
    ).toEqual([
      [1, 'retrying', 503, 'answered 503'],
      [2, 'delivered', 200, null],
    ]);
    expect(await attemptsOf(store, lost.id)).toEqual([
      {
        attempt: 1,
        worker: 'w1',
        startedAt: at(0).toISOString(),
        finishedAt: at(30_000).toISOString(),
        statusCode: null,
        outcome: 'lease_lost',
        error: null,
      },
      {
        attempt: 2,
        worker: 'w2',
        startedAt: at(30_000).toISOString(),
        finishedAt: null,
        statusCode: null,
        outcome: null,
        error: null,
      },
    ]);
    // A release logs the attempt it ends; the next claim starts the same number again.
    expect(
      await store.writeTransaction((tx) =>
        releaseDeliveries(tx, 'w2', at(30_003), { destinations: ['a'] }),
      ),
    ).toBe(1);
    const [reclaimed] = await claim(store, at(30_004), 'w3');
    expect(reclaimed).toMatchObject({ eventId: lost.id, attempts: 2 });
    expect(await finish(store, 'w3', lost.id, 'dead', 500, at(30_005))).toBe(1);
    // A redrive logs the dead attempt; counting starts again at 1.
    expect(
      await store.writeTransaction((tx) => redriveDeliveries(tx, { destination: 'a' }, at(40_000))),
    ).toBe(1);
    const [redriven] = await claim(store, at(40_000), 'w4');
    expect(redriven).toMatchObject({ eventId: lost.id, attempts: 1 });
    expect(
      (await attemptsOf(store, lost.id)).map((a) => [a.attempt, a.worker, a.outcome, a.finishedAt]),
    ).toEqual([
      [1, 'w1', 'lease_lost', at(30_000).toISOString()],
      [2, 'w2', 'released', at(30_003).toISOString()],
      [2, 'w3', 'dead', at(30_005).toISOString()],
      [1, 'w4', null, null],
    ]);
  });

  it('an attempt that waited in the queue after its claim shows when its request went out', async () => {
    const db = backend.fresh();
    const store = await db.open();
    await store.migrate();
    await store.writeTransaction((tx) =>
      syncDestinations(tx, [{ name: 'a', events: ['*'], ordered: false }]),
    );
    const [paced, retried] = [newEvent(), newEvent()];
    for (const e of [paced, retried]) await store.append(e);
    expect(await claim(store, at(0))).toHaveLength(2);
    // Claimed at 0; a rate limit let the first request out at 4 s, the second at 7 s.
    const result = (eventId: string, sentMs: number, statusCode: number): DeliveryResult => ({
      eventId,
      destination: 'a',
      outcome: statusCode < 300 ? 'delivered' : 'retrying',
      nextAttemptAt: statusCode < 300 ? null : at(60_000),
      statusCode,
      error: statusCode < 300 ? null : `answered ${statusCode}`,
      now: at(sentMs + 20),
      startedAt: at(sentMs),
    });
    await store.writeTransaction((tx) =>
      finishDeliveries(tx, 'w1', [result(paced.id, 4_000, 204), result(retried.id, 7_000, 503)]),
    );
    expect((await attemptsOf(store, paced.id)).map((a) => [a.startedAt, a.finishedAt])).toEqual([
      [at(4_000).toISOString(), at(4_020).toISOString()],
    ]);
    // The retry's claim logs the first attempt with the time it really started.
    await claim(store, at(60_000));
    expect(
      (await attemptsOf(store, retried.id)).map((a) => [a.attempt, a.startedAt, a.finishedAt]),
    ).toEqual([
      [1, at(7_000).toISOString(), at(7_020).toISOString()],
      [2, at(60_000).toISOString(), null],
    ]);
  });

  it('a database version 6 left upgrades with the same attempt lists, its attempts in flight included', async () => {
    const db = backend.fresh();
    const { session, close } = await rawSession(backend, db);
    const core = coreMigrationSet();
    const upTo6 = {
      ...core,
      sqlite: core.sqlite.filter((m) => m.version <= 6),
      postgres: core.postgres.filter((m) => m.version <= 6),
    };
    const q = (sql: string, params: unknown[] = []) => session.query(sql, params);
    await q('BEGIN');
    await applyMigrations(session, [upTo6, eventsApiMigrationSet()], at(0));
    await syncDestinations(session, [{ name: 'a', events: ['*'], ordered: false }]);
    const ids = ['evt_ok', 'evt_in_flight', 'evt_released', 'evt_redriven', 'evt_dead'];
    for (const [k, id] of ids.entries()) {
      const e = newEvent({ id, receivedAt: at(k) });
      await q(
        `INSERT INTO workos_inbox_events (id, event, created_at, received_at, raw_body, source)
         VALUES ($1, $2, $3, $4, $5, 'webhook')`,
        [e.id, e.event, e.createdAt, e.receivedAt, Buffer.from(e.rawBody)],
      );
    }
    // What version 6 wrote: every attempt in the log (the latest too, open while in flight).
    const delivery = (id: string, set: string, params: unknown[]) =>
      q(`UPDATE workos_inbox_deliveries SET ${set} WHERE event_id = $1`, [id, ...params]);
    const log = (
      id: string,
      attempt: number,
      worker: string,
      started: number,
      finished: number | null,
      code: number | null,
      outcome: string | null,
    ) =>
      q(
        `INSERT INTO workos_inbox_delivery_attempts
           (event_id, destination, attempt, worker, started_at, finished_at, status_code, outcome, error)
         VALUES ($1, 'a', $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          attempt,
          worker,
          at(started),
          finished === null ? null : at(finished),
          code,
          outcome,
          code !== null && code >= 300 ? `answered ${code}` : null,
        ],
      );
    await delivery(
      'evt_ok',
      `status = 'delivered', attempts = 1, next_attempt_at = NULL, last_status_code = 200, delivered_at = $2`,
      [at(110)],
    );
    await log('evt_ok', 1, 'w1', 100, 110, 200, 'delivered');
    await delivery(
      'evt_in_flight',
      `status = 'delivering', attempts = 2, lease_owner = 'w2', next_attempt_at = $2,
       last_status_code = 503, last_error = 'answered 503'`,
      [at(60_000)],
    );
    await log('evt_in_flight', 1, 'w1', 100, 120, 503, 'retrying');
    await log('evt_in_flight', 2, 'w2', 30_000, null, null, null);
    await delivery('evt_released', `status = 'pending', attempts = 0, next_attempt_at = $2`, [
      at(200),
    ]);
    await log('evt_released', 1, 'w1', 100, 200, null, 'released');
    await delivery(
      'evt_redriven',
      `status = 'pending', attempts = 0, next_attempt_at = $2, last_status_code = 500,
       last_error = 'answered 500'`,
      [at(300)],
    );
    await log('evt_redriven', 1, 'w1', 100, 130, 500, 'dead');
    await delivery(
      'evt_dead',
      `status = 'dead', attempts = 2, next_attempt_at = NULL, last_status_code = 500,
       last_error = 'answered 500'`,
      [],
    );
    await log('evt_dead', 1, 'w1', 100, 30_100, null, 'lease_lost');
    await log('evt_dead', 2, 'w2', 30_100, 30_200, 500, 'dead');
    await q('COMMIT');
    await close();

    // What version 6 listed: the log's rows, in order.
    const logged = await db.sql<DeliveryAttemptRow>(
      'SELECT * FROM workos_inbox_delivery_attempts ORDER BY id',
    );
    const before = ids.map((id) =>
      logged
        .filter((row) => row.event_id === id)
        .map(toDeliveryAttempt)
        .map(toDeliveryAttemptJson),
    );
    expect(before.map((list) => list.length)).toEqual([1, 2, 1, 1, 2]);
    const store = await db.open();
    await store.migrate();
    // The current attempts moved to their rows (ok, in flight, dead); the ended ones stayed.
    expect(await logRows(db)).toBe(4);
    expect(await Promise.all(ids.map((id) => attemptsOf(store, id)))).toEqual(before);
    // The attempt in flight ends as any other: its outcome, then the next claim logs it.
    expect(await finish(store, 'w2', 'evt_in_flight', 'retrying', 502, at(30_500))).toBe(1);
    expect(await claim(store, at(40_000), 'w3')).toHaveLength(3);
    expect(
      (await attemptsOf(store, 'evt_in_flight')).map((a) => [a.attempt, a.outcome, a.statusCode]),
    ).toEqual([
      [1, 'retrying', 503],
      [2, 'retrying', 502],
      [3, null, null],
    ]);
    expect((await attemptsOf(store, 'evt_released')).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'released'],
      [1, null],
    ]);
  });
});
