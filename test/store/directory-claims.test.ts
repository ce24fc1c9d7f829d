// PostgreSQL: with `InlineCompletion.byDirectory` (the built-in mirror) a claim takes one
// directory's due events, the oldest directory no other transaction holds, so two workers apply
// two directories at once instead of queueing on one directory's lock (store migration 0008).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { directoryOf } from '../../src/events/directory-of.js';
import { directoryLockSpace } from '../../src/store/directory-locks.js';
import { claimOrCompleteEvents } from '../../src/store/lease-operations.js';
import { explainingExecutor } from '../helpers/postgres-plans.js';
import type { InlineCompletion, NewEvent, Store, StoredEvent } from '../../src/store/types.js';
import { at, newEvent, t0, useBackends } from './backends.js';
import type { TestDb } from './backends.js';

const postgres = useBackends().find((backend) => backend.name === 'postgres')!;
const claimOptions = { owner: 'w', leaseMs: 60_000, now: t0, limit: 100 };

/** A dsync or other event with a body naming its directory the ways WorkOS's events do. */
function event(name: string, data: Record<string, unknown>, i: number): NewEvent {
  const id = `event_${randomBytes(4).toString('hex')}_${i}`;
  return newEvent({
    id,
    event: name,
    rawBody: Buffer.from(JSON.stringify({ id, event: name, data })),
    receivedAt: at(-1000 + i),
  });
}

/** Collects every due event; records which it collected, in order. */
function collector(): InlineCompletion & { collected: StoredEvent[] } {
  const collected: StoredEvent[] = [];
  return {
    limit: 100,
    collected,
    byDirectory: true,
    acceptsEvery: true,
    accepts: () => true,
    collect(stored) {
      collected.push(stored);
      return true;
    },
    flush: async () => {},
  };
}

async function open(db: TestDb): Promise<Store> {
  const store = await db.open();
  await store.migrate();
  return store;
}

/** Another session holding directories' locks, as another worker's transaction would. */
async function holdLocks(db: TestDb, directories: string[]) {
  const client = new pg.Client({ connectionString: db.options.database });
  await client.connect();
  await client.query('BEGIN');
  for (const d of directories) {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [directoryLockSpace, d]);
  }
  return {
    release: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

describe('claims by directory on postgres', () => {
  it('stores each event’s directory at append, from the body when the caller did not give it', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    const shapes: Array<[string, Record<string, unknown>]> = [
      ['dsync.user.created', { id: 'directory_user_1', directory_id: 'directory_a' }],
      ['dsync.group.user_added', { user: { id: 'u' }, group: { directory_id: 'directory_b' } }],
      ['dsync.activated', { id: 'directory_c', object: 'directory' }],
      ['dsync.deleted', { id: 'directory_d', object: 'directory' }],
      ['dsync.user.updated', { id: 'directory_user_2' }],
      ['organization.created', { id: 'org_1', directory_id: 'not_a_directory_event' }],
    ];
    const appended = shapes.map(([name, data], i) => event(name, data, i));
    for (const e of appended) await store.append(e);
    // A body that is not JSON (the library's `append` takes any bytes): no directory, and the
    // migration's fill goes on past it.
    const opaque = newEvent({ event: 'dsync.user.created', rawBody: Buffer.from([0xff, 0x00]) });
    await store.append(opaque);
    // Given by the caller (the receiver, the puller): stored as given, the body not read.
    const given = { ...event('dsync.user.created', { directory_id: 'in_body' }, 9) };
    given.directoryId = 'given';
    await store.append(given);
    const rows = await db.sql<{ id: string; directory_id: string }>(
      'SELECT id, directory_id FROM workos_inbox_events',
    );
    const stored = new Map(rows.map((r) => [r.id, r.directory_id]));
    expect(appended.map((e) => stored.get(e.id))).toEqual([
      'directory_a',
      'directory_b',
      'directory_c',
      'directory_d',
      '',
      '',
    ]);
    expect(stored.get(given.id)).toBe('given');
    // The migration fills in the events still to process, as directoryOf reads them.
    await db.sql(`UPDATE workos_inbox_events SET directory_id = ''`);
    await db.sql(`UPDATE workos_inbox_events SET status = 'done' WHERE id = $1`, [given.id]);
    await db.sql(migrationBackfill());
    const backfilled = await db.sql<{ id: string; directory_id: string }>(
      'SELECT id, directory_id FROM workos_inbox_events',
    );
    const after = new Map(backfilled.map((r) => [r.id, r.directory_id]));
    expect(appended.map((e) => after.get(e.id))).toEqual(
      shapes.map(([name, data]) => (name.startsWith('dsync.') ? directoryOf(name, data) : '')),
    );
    expect(after.get(given.id)).toBe(''); // done: the migration leaves it
    expect(after.get(opaque.id)).toBe('');
  });

  it('gives a done event stored before its directory was its directory when it is replayed or redriven', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    const a = event('dsync.user.updated', { id: 'directory_user_1', directory_id: 'dir_a' }, 0);
    const b = event('dsync.group.user_added', { group: { directory_id: 'dir_b' } }, 1);
    const c = event('dsync.deleted', { id: 'dir_c', object: 'directory' }, 2);
    const org = event('organization.updated', { id: 'org_1', directory_id: 'dir_x' }, 3);
    const opaque = newEvent({ event: 'dsync.user.created', rawBody: Buffer.from([0xff, 0x00]) });
    const kept = event('dsync.user.created', { directory_id: 'in_body' }, 4);
    kept.directoryId = 'given';
    for (const e of [a, b, c, org, opaque, kept]) await store.append(e);
    // As an inbox that processed them before migration 0008: done, no directory stored.
    await db.sql(
      `UPDATE workos_inbox_events SET status = 'done', processed_at = now(),
      next_attempt_at = NULL, directory_id = CASE WHEN id = $1 THEN directory_id ELSE '' END`,
      [kept.id],
    );
    expect(await store.replay(a.id, t0)).toBe(true);
    expect(await store.replay(opaque.id, t0)).toBe(true);
    expect(await store.redrive({ status: 'done' }, t0)).toBe(4);
    const rows = await db.sql<{ id: string; directory_id: string; status: string }>(
      'SELECT id, directory_id, status FROM workos_inbox_events',
    );
    const stored = new Map(rows.map((r) => [r.id, r.directory_id]));
    expect([a, b, c, org, opaque, kept].map((e) => stored.get(e.id))).toEqual([
      'dir_a',
      'dir_b',
      'dir_c',
      '', // not a dsync event
      '', // not JSON: the replay still succeeds
      'given', // stored at append: not read again
    ]);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    // Claimed with its directory, not as one of no directory.
    const inbox = collector();
    const other = await holdLocks(db, ['dir_a']);
    try {
      await store.claimOrComplete!({ ...claimOptions, limit: 100 }, inbox);
    } finally {
      await other.release();
    }
    expect(inbox.collected.map((e) => e.id)).not.toContain(a.id);
  });

  it('takes the events of no directory, then directories oldest first while the claim has room; a full claim leaves the next directory to the next claim', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    const unique = () => randomBytes(3).toString('hex');
    const [a, b] = [`directory_a_${unique()}`, `directory_b_${unique()}`];
    // A live stream: a, b, a, org, b, a. One claim with room takes them all, in due order.
    const plan: Array<[string, Record<string, unknown>]> = [
      ['dsync.user.created', { directory_id: a }],
      ['dsync.user.created', { directory_id: b }],
      ['dsync.user.updated', { directory_id: a }],
      ['organization.updated', { id: 'org_1' }],
      ['dsync.group.created', { directory_id: b }],
      ['dsync.user.deleted', { directory_id: a }],
    ];
    const ids: string[] = [];
    for (const [i, [name, data]] of plan.entries()) {
      const e = event(name, data, i);
      ids.push(e.id);
      await store.append(e);
    }
    const live = await store.claimOrComplete!(claimOptions, collector());
    expect(live.done.map((e) => e.id)).toEqual(ids);
    // It took directories: others could have due events, so the worker claims again.
    expect(live.due).toBe(claimOptions.limit);
    expect((await store.claimOrComplete!(claimOptions, collector())).due).toBe(0);

    // A backlog: a claim of 3 fills up with the oldest directory's events.
    const [c, d] = [`directory_c_${unique()}`, `directory_d_${unique()}`];
    const backlog = [c, d, c, d, c].map((directory, i) =>
      event('dsync.user.updated', { directory_id: directory }, 100 + i),
    );
    for (const e of backlog) await store.append(e);
    const small = { ...claimOptions, limit: 3 };
    const first = await store.claimOrComplete!(small, { ...collector(), limit: 3 });
    expect(first.done.map((e) => e.id)).toEqual([backlog[0]!.id, backlog[2]!.id, backlog[4]!.id]);
    const second = await store.claimOrComplete!(small, { ...collector(), limit: 3 });
    expect(second.done.map((e) => e.id)).toEqual([backlog[1]!.id, backlog[3]!.id]);
  });

  it('takes the due events of no directory when no due event names one', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    const appended = [
      event('organization.created', { id: 'org_1' }, 0),
      event('connection.activated', { id: 'conn_1' }, 1),
    ];
    for (const e of appended) await store.append(e);
    const result = await store.claimOrComplete!(claimOptions, collector());
    expect(result.done.map((e) => e.id)).toEqual(appended.map((e) => e.id));
    expect(result.due).toBe(2);
  });

  it('passes over a directory another transaction holds, without waiting, and takes the next', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    const [a, b] = [
      `directory_a_${randomBytes(3).toString('hex')}`,
      `directory_b_${randomBytes(3).toString('hex')}`,
    ];
    const older = event('dsync.user.created', { directory_id: a }, 0);
    const newer = event('dsync.user.created', { directory_id: b }, 1);
    await store.append(older);
    await store.append(newer);
    const other = await holdLocks(db, [a]);
    try {
      const c = collector();
      const result = await store.claimOrComplete!(claimOptions, c);
      expect(result.done.map((e) => e.id)).toEqual([newer.id]);
      expect(result.due).toBe(claimOptions.limit); // a's event is due too, held elsewhere
      expect((await store.get(older.id))?.status).toBe('pending');
    } finally {
      await other.release();
    }
    const after = await store.claimOrComplete!(claimOptions, collector());
    expect(after.done.map((e) => e.id)).toEqual([older.id]);
  });

  it('passes over directories beyond the oldest events’ when those are all held', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    const a = `directory_a_${randomBytes(3).toString('hex')}`;
    const b = `directory_b_${randomBytes(3).toString('hex')}`;
    // More of a's events than a claim reads to find directories, then one of b's.
    for (let i = 0; i < 70; i++)
      await store.append(event('dsync.user.created', { directory_id: a }, i));
    const last = event('dsync.user.created', { directory_id: b }, 70);
    await store.append(last);
    const other = await holdLocks(db, [a]);
    try {
      const result = await store.claimOrComplete!(claimOptions, collector());
      expect(result.done.map((e) => e.id)).toEqual([last.id]);
    } finally {
      await other.release();
    }
  });

  it('waits for the oldest directory when every directory with due events is held', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    const a = `directory_a_${randomBytes(3).toString('hex')}`;
    const only = event('dsync.user.created', { directory_id: a }, 0);
    await store.append(only);
    const other = await holdLocks(db, [a]);
    let settled = false;
    const claim = store.claimOrComplete!(claimOptions, collector()).finally(() => {
      settled = true;
    });
    try {
      // The claim's session waits on the advisory lock (seen in pg_locks), not on a timer.
      for (;;) {
        const [row] = await db.sql<{ n: string }>(
          `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
             AND classid = $1
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [directoryLockSpace],
        );
        if (Number(row!.n) > 0) break;
        expect(settled).toBe(false);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(settled).toBe(false);
    } finally {
      await other.release();
    }
    expect((await claim).done.map((e) => e.id)).toEqual([only.id]);
  });
});

/** The block of store migration 0008 that fills in the directories of events still to process. */
function migrationBackfill(): string {
  const sql = readFileSync(
    new URL('../../src/store/migrations/postgres/0008-directory-claims.sql', import.meta.url),
    'utf8',
  );
  const start = sql.indexOf('DO $$');
  return sql.slice(start, sql.indexOf('$$;', start) + 2);
}

describe('the claim’s prepared statements on postgres', () => {
  /**
   * Run `claimOrCompleteEvents` as the store does, and explain each statement it prepares (one
   * text, kept per connection) for its values and for any (the generic plan PostgreSQL may keep).
   */
  async function claimWithPlans(store: Store, inline: InlineCompletion, limit: number) {
    const plans: Array<{ sql: string; plan: string }> = [];
    const result = await store.writeTransaction((tx) =>
      claimOrCompleteEvents(
        explainingExecutor(
          tx,
          (sql, [custom, generic]) => plans.push({ sql, plan: custom }, { sql, plan: generic }),
          { onlyPrepared: true },
        ),
        { ...claimOptions, limit },
        { ...inline, limit },
      ),
    );
    return { result, plans };
  }

  it('read the due index in its order and each event by its key, for any values, with or without statistics', async () => {
    const db = postgres.fresh();
    const store = await open(db);
    // A backlog of 6,000 due events in three directories (and a few of none), in a table without
    // statistics.
    const insert = (from: number, to: number, status: string) =>
      db.sql(
        `INSERT INTO workos_inbox_events
           (id, event, created_at, received_at, raw_body, source, status, attempts,
            next_attempt_at, directory_id)
         SELECT 'event_' || lpad(g::text, 6, '0'), 'dsync.user.updated', '2026-01-01T00:00:00Z',
                $1::timestamptz + g * interval '1 ms', '\\x7b7d', 'webhook', $2, 0,
                CASE WHEN $2 = 'done' THEN NULL ELSE $1::timestamptz + g * interval '1 ms' END,
                CASE WHEN g % 1000 = 0 THEN ''
                  ELSE (ARRAY['directory_a', 'directory_b', 'directory_c'])[g % 3 + 1] END
         FROM generate_series($3::int, $4::int) g`,
        [at(-100_000), status, from, to],
      );
    await insert(1, 6_000, 'pending');
    const collectAll = collector();
    // Reads whole rows (it accepts the name) but applies none: they are leased.
    const leaveAll: InlineCompletion = {
      ...collector(),
      acceptsEvery: false,
      collect: () => false,
    };
    const rounds = [
      await claimWithPlans(store, collectAll, 64),
      await claimWithPlans(store, leaveAll, 64),
    ];
    // Then most of the table done, statistics taken while few were due (a long-running inbox).
    await insert(6_001, 60_000, 'done');
    await db.sql('ANALYZE workos_inbox_events');
    rounds.push(await claimWithPlans(store, collectAll, 64));
    rounds.push(await claimWithPlans(store, leaveAll, 64));

    expect(rounds[0]!.result.done).toHaveLength(64);
    expect(rounds[1]!.result.claimed).toHaveLength(64);
    for (const { plans } of rounds) {
      expect(plans.length).toBeGreaterThanOrEqual(6);
      for (const { sql, plan } of plans) {
        if (/ORDER BY next_attempt_at, id LIMIT/.test(sql)) {
          // The due rows of a directory, or the oldest due row's directory: an index read in
          // its order and stopped by the LIMIT, never the backlog read and sorted.
          expect(plan).toMatch(/Index Scan using workos_inbox_events_\w+ on workos_inbox_events/);
          expect(plan).not.toMatch(/Sort|Seq Scan on workos_inbox_events|Bitmap/);
        } else if (/FROM workos_inbox_events|UPDATE workos_inbox_events/.test(sql)) {
          // Whole rows, the done marking, the lease: each event by its key, then by its address.
          expect(plan).toContain('workos_inbox_events_pkey');
          expect(plan).toContain('Tid Scan on workos_inbox_events');
          expect(plan).not.toMatch(/Seq Scan on workos_inbox_events/);
        }
      }
    }
    // Every kind of statement was explained: due rows, directories, whole rows, done, lease.
    const texts = rounds.flatMap(({ plans }) => plans.map(({ sql }) => sql));
    expect(texts.some((t) => /SELECT \* FROM workos_inbox_events WHERE ctid/.test(t))).toBe(true);
    expect(texts.some((t) => /SET status = 'done'/.test(t))).toBe(true);
    expect(texts.some((t) => /SET status = 'processing'/.test(t))).toBe(true);
    expect(texts.some((t) => /pg_try_advisory_xact_lock/.test(t))).toBe(true);
  });
});
