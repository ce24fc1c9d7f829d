// A membership is born deleted when its user, its group or its directory already is. The worker
// applies a batch of events as one set of writes, and on PostgreSQL the memberships of a batch
// are then written by one multi-row statement (multi-row-sql.ts), not the one-row statement the
// rules tests run (one event per transaction). Checked here in such a batch, on both backends:
// a deleted user, a deleted group, a deleted directory (whose user and group the membership event
// brings are born deleted with it, so the membership is too), and a live membership beside them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMirrorEvent, collectMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { MirrorWrites } from '../../src/mirror/apply/mirror-writes.js';
import { directory, directoryGroup, directoryUser } from '../helpers/workos-state-fixtures.js';
import { mirrorDatabases, type MirrorTestDatabase } from './helpers/mirror-databases.js';
import { minuteEvent } from './helpers/minute-event.js';

const ev = minuteEvent;

const user = (id: string, directoryId: string) =>
  directoryUser(id, [], 0, { directory_id: directoryId });
const group = (id: string, directoryId: string) => directoryGroup(id, directoryId, 'org_1');
const added = (minute: number, userId: string, groupId: string, directoryId: string) =>
  ev('dsync.group.user_added', minute, {
    directory_id: directoryId,
    user: user(userId, directoryId),
    group: group(groupId, directoryId),
  });

describe.each(mirrorDatabases)('memberships born deleted, applied as one batch (%s)', (_, open) => {
  let db: MirrorTestDatabase;

  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('takes the deletion of its user, of its group, or of its directory', async () => {
    // Deletions at minute 5, one event per transaction.
    for (const e of [
      ev('dsync.user.deleted', 5, user('user_deleted', 'directory_1')),
      ev('dsync.group.deleted', 5, group('group_deleted', 'directory_1')),
      ev('dsync.deleted', 5, { ...directory('directory_deleted', 'org_1'), state: 'deleting' }),
    ]) {
      await db.transaction((tx) => applyMirrorEvent(tx, e));
    }
    // Memberships added at minute 3 (older than the deletions, delivered after them), one batch.
    const batch = [
      added(3, 'user_deleted', 'group_live', 'directory_1'),
      added(3, 'user_live', 'group_deleted', 'directory_1'),
      added(3, 'user_other', 'group_other', 'directory_deleted'),
      added(3, 'user_live', 'group_live', 'directory_1'),
    ];
    await db.transaction(async (tx) => {
      const writes = new MirrorWrites();
      for (const e of batch) expect(collectMirrorEvent(writes, e).applied).toBe(true);
      await writes.flush(tx);
    });
    const { rows } = await db.reader.query<{
      group_id: string;
      user_id: string;
      deleted_at: string | null;
    }>(
      'SELECT group_id, user_id, deleted_at FROM workos_directory_group_memberships ORDER BY user_id, group_id',
    );
    const deletedAt = '2026-03-01T10:05:00.000000000Z';
    expect(rows).toEqual([
      { group_id: 'group_live', user_id: 'user_deleted', deleted_at: deletedAt },
      { group_id: 'group_deleted', user_id: 'user_live', deleted_at: deletedAt },
      { group_id: 'group_live', user_id: 'user_live', deleted_at: null },
      { group_id: 'group_other', user_id: 'user_other', deleted_at: deletedAt },
    ]);
  });
});
