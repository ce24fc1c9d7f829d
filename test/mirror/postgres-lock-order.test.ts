import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../src/events/index.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import {
  lockDirectoriesSharedSql,
  lockDirectoriesSql,
} from '../../src/mirror/apply/mirror-writes.js';
import { createMirror } from '../../src/mirror/read/create-mirror.js';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import { openPostgresMirrorDatabase, pgExecutor } from './helpers/mirror-databases.js';

const user = {
  object: 'directory_user',
  id: 'u1',
  directory_id: 'directory_1',
  organization_id: 'org_1',
  idp_id: 'idp_u1',
  email: 'u1@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  state: 'active',
  raw_attributes: {},
  custom_attributes: {},
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
};
const group = {
  object: 'directory_group',
  id: 'g1',
  idp_id: 'idp_g1',
  directory_id: 'directory_1',
  organization_id: 'org_1',
  name: 'Group',
  created_at: '2026-03-01T10:00:00.000Z',
  updated_at: '2026-03-01T10:00:00.000Z',
  raw_attributes: {},
};
const at = (minute: number, event: string, data: Record<string, unknown>): WireEvent =>
  ({
    id: `event_${minute}`,
    event,
    created_at: `2026-03-01T10:0${minute}:00.000Z`,
    data,
  }) as WireEvent;

/** An executor whose statements touching `pattern` wait until `open()` is called. */
function gated(client: pg.PoolClient, pattern: string) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let reached!: () => void;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const wait = async (text: string) => {
    if (text.startsWith(pattern)) {
      reached();
      await gate;
    }
  };
  const native = {
    query: async (config: { text: string }) => {
      await wait(config.text);
      return client.query(config);
    },
  };
  const tx: SqlExecutor = {
    dialect: 'postgres',
    native,
    query: async (sql, params) => {
      await wait(sql);
      return pgExecutor(client).query(sql, params);
    },
  };
  return { tx, open, atGate };
}

describe('PostgreSQL row-lock order', () => {
  let db: Awaited<ReturnType<typeof openPostgresMirrorDatabase>>;
  beforeAll(async () => {
    db = await openPostgresMirrorDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('a user_added racing a dsync.group.deleted cascade waits instead of deadlocking', async () => {
    await db.transaction((tx) =>
      applyMirrorEvent(
        tx,
        at(1, 'dsync.group.user_added', { directory_id: 'directory_1', user, group }),
      ),
    );
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      // A: the group deletion holds the group's row lock and stops before its cascade.
      const deletion = gated(a, `UPDATE workos_directory_group_memberships`);
      await a.query('BEGIN');
      const deleting = applyMirrorEvent(deletion.tx, at(3, 'dsync.group.deleted', group));
      await deletion.atGate;
      // B: a newer membership event must queue behind the group lock without holding the
      // membership row the cascade needs next.
      await b.query('BEGIN');
      const { rows } = await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const adding = applyMirrorEvent(
        pgExecutor(b),
        at(5, 'dsync.group.user_added', { directory_id: 'directory_1', user, group }),
      ).then(() => b.query('COMMIT'));
      // Polls until B waits on the lock (bounded generously: a loaded machine is slow to get there).
      for (let i = 0; i < 2400; i++) {
        const wait = await db.pool.query<{ wait_event_type: string | null }>(
          'SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1',
          [rows[0]!.pid],
        );
        if (wait.rows[0]?.wait_event_type === 'Lock') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      deletion.open();
      await deleting;
      await a.query('COMMIT');
      await adding;
    } finally {
      a.release();
      b.release();
    }
    // The add at minute 5 is newer than the deletion at minute 3: the membership is live.
    const mirror = createMirror(db.reader);
    expect((await mirror.directoryUsers.get('u1'))?.groups.map((g) => g.id)).toEqual([]);
    const { rows } = await db.reader.query<{ deleted_at: string | null; version: string }>(
      'SELECT deleted_at, version FROM workos_directory_group_memberships',
    );
    expect(rows).toEqual([{ deleted_at: null, version: '2026-03-01T10:05:00.000000000Z event_5' }]);
  });

  it("lets reconcile's page transactions share a directory's lock while an event's transaction waits for all of them", async () => {
    const [a, b, c] = [await db.pool.connect(), await db.pool.connect(), await db.pool.connect()];
    const directories = [['directory_1']];
    try {
      // Two page transactions hold the lock at once (the second would hang here otherwise).
      for (const page of [a, b]) {
        await page.query('BEGIN');
        await page.query(lockDirectoriesSharedSql, directories);
      }
      await c.query('BEGIN');
      const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pid = rows[0]!.pid;
      const granted = async () =>
        (
          await db.pool.query<{ granted: boolean }>(
            "SELECT granted FROM pg_locks WHERE pid = $1 AND locktype = 'advisory'",
            [pid],
          )
        ).rows.map((r) => r.granted);
      const event = c.query(lockDirectoriesSql, directories);
      // Polls until the event's lock request is queued (bounded generously for a loaded machine).
      for (let i = 0; i < 2400 && (await granted()).length === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(await granted()).toEqual([false]);
      await a.query('COMMIT');
      expect(await granted()).toEqual([false]); // the other page transaction still holds it
      await b.query('COMMIT');
      await event;
      expect(await granted()).toEqual([true]);
      await c.query('COMMIT');
    } finally {
      for (const client of [a, b, c]) client.release();
    }
  });
});
