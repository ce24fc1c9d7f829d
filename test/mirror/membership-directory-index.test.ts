// SQLite mirror migration 0002: the memberships' directory index is led by the user after the
// directory, so writing a directory's users in id order appends to it instead of rewriting one
// leaf per group. An existing mirror keeps its rows, and the readers by directory keep an index.
import { afterEach, describe, expect, it } from 'vitest';
import { groupMembershipsTable } from '../../src/mirror/apply/entity-tables.js';
import { writeKinds } from '../../src/mirror/apply/mirror-writes.js';
import { runStatement } from '../../src/mirror/apply/run-statement.js';
import { mirrorMigrations } from '../../src/mirror/mirror-migrations.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';

const indexName = `${groupMembershipsTable}_directory`;
const temp = createTempSqlitePath('mirror.db');
const stores: Store[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  temp.cleanup();
});

async function open(path: string, upTo?: number): Promise<Store> {
  const sqlite = mirrorMigrations.sqlite.filter((m) => upTo === undefined || m.version <= upTo);
  const store = await openStore({
    database: path,
    migrationSets: [{ ...mirrorMigrations, sqlite }],
  });
  stores.push(store);
  await store.migrate();
  return store;
}

async function close(store: Store): Promise<void> {
  stores.splice(stores.indexOf(store), 1);
  await store.close();
}

describe('the memberships directory index (SQLite mirror migration 0002)', () => {
  it('upgrades a mirror holding memberships: rows kept, index (directory_id, user_id), a directory deletion still reaches every membership through it', async () => {
    const before = await open(temp.path, 1);
    const version = '2026-03-01T10:00:00.000Z';
    await before.writeTransaction(async (tx) => {
      for (const [group, user, directory] of [
        ['directory_group_2', 'directory_user_1', 'directory_1'],
        ['directory_group_1', 'directory_user_2', 'directory_1'],
        ['directory_group_1', 'directory_user_3', 'directory_2'],
      ]) {
        await runStatement(tx, writeKinds.upsertMembership.single, [
          group,
          user,
          directory,
          version,
        ]);
      }
    });
    const oldColumns = await before.read((db) =>
      db.query<{ name: string }>(`SELECT name FROM pragma_index_info('${indexName}')`),
    );
    expect(oldColumns.rows.map((r) => r.name)).toEqual(['directory_id']);
    await close(before);

    const after = await open(temp.path);
    const columns = await after.read((db) =>
      db.query<{ name: string }>(`SELECT name FROM pragma_index_info('${indexName}')`),
    );
    expect(columns.rows.map((r) => r.name)).toEqual(['directory_id', 'user_id']);

    const cascade = writeKinds.membershipsOfDirectory.single;
    const plan = await after.read((db) =>
      db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${cascade}`, ['directory_1', version]),
    );
    expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(
      new RegExp(`USING (COVERING )?INDEX ${indexName} \\(directory_id=\\?\\)`),
    );

    const deletedAt = '2026-03-02T10:00:00.000Z';
    await after.writeTransaction((tx) => runStatement(tx, cascade, ['directory_1', deletedAt]));
    const rows = await after.read((db) =>
      db.query<{ user_id: string; deleted_at: string | null }>(
        `SELECT user_id, deleted_at FROM ${groupMembershipsTable} ORDER BY user_id`,
      ),
    );
    expect(rows.rows).toEqual([
      { user_id: 'directory_user_1', deleted_at: deletedAt },
      { user_id: 'directory_user_2', deleted_at: deletedAt },
      { user_id: 'directory_user_3', deleted_at: null },
    ]);
  });
});
