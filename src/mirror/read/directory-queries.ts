import { unicodeLowerSql, type SqlExecutor } from '../../store/sql-executor.js';
import {
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  groupMembershipsTable,
} from '../apply/entity-tables.js';
import type { PageOptions } from './paginate.js';
import { addCondition, listPage } from './paginate.js';
import type { Row, WireList } from './query-helpers.js';
import { getLive, live, liveMembership, page } from './query-helpers.js';
import { directoryGroupWire, directoryUserWire, directoryWire } from './wire-objects.js';
import type { WireObject } from './wire-objects.js';

/** Live groups of each user, by user id, in id order. */
async function groupsOfUsers(
  db: SqlExecutor,
  userIds: readonly string[],
): Promise<Map<string, Row[]>> {
  const byUser = new Map<string, Row[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const list = userIds.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await db.query<Row & { member_user_id: string }>(
    `SELECT m.user_id AS member_user_id, t.* FROM ${groupMembershipsTable} AS m ` +
      `JOIN ${directoryGroupsTable.table} AS t ON t.id = m.group_id ` +
      `WHERE m.user_id IN (${list}) AND m.deleted_at IS NULL AND t.deleted_at IS NULL ` +
      `ORDER BY t.id`,
    userIds,
  );
  for (const row of rows) byUser.get(row.member_user_id)?.push(row);
  return byUser;
}

export interface DirectoryUserFilters {
  directory?: string;
  group?: string;
  organization?: string;
  state?: string;
}

export async function listDirectoryUsers(
  db: SqlExecutor,
  filters: DirectoryUserFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(directoryUsersTable.table);
  if (filters.directory !== undefined) addCondition(q, 't.directory_id = ?', filters.directory);
  if (filters.organization !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization);
  }
  if (filters.state !== undefined) addCondition(q, 't.state = ?', filters.state);
  if (filters.group !== undefined) addCondition(q, liveMembership('?', 't.id'), filters.group);
  const { rows, listMetadata } = await listPage(db, q, options);
  const groups = await groupsOfUsers(
    db,
    rows.map((r) => r.id as string),
  );
  return {
    object: 'list',
    data: rows.map((r) => directoryUserWire(r, groups.get(r.id as string) ?? [])),
    list_metadata: listMetadata,
  };
}

export async function getDirectoryUser(
  db: SqlExecutor,
  id: string,
): Promise<WireObject | undefined> {
  const row = await getLive(db, directoryUsersTable.table, id);
  if (!row) return undefined;
  const groups = await groupsOfUsers(db, [id]);
  return directoryUserWire(row, groups.get(id) ?? []);
}

export interface DirectoryGroupFilters {
  directory?: string;
  user?: string;
  organization?: string;
}

export function listDirectoryGroups(
  db: SqlExecutor,
  filters: DirectoryGroupFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(directoryGroupsTable.table);
  if (filters.directory !== undefined) addCondition(q, 't.directory_id = ?', filters.directory);
  if (filters.organization !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization);
  }
  if (filters.user !== undefined) addCondition(q, liveMembership('t.id', '?'), filters.user);
  return page(db, q, options, directoryGroupWire);
}

export async function getDirectoryGroup(
  db: SqlExecutor,
  id: string,
): Promise<WireObject | undefined> {
  const row = await getLive(db, directoryGroupsTable.table, id);
  return row && directoryGroupWire(row);
}

export interface DirectoryFilters {
  organization_id?: string;
  domain?: string;
  /** Case-insensitive substring of the name. */
  search?: string;
}

export function listDirectories(
  db: SqlExecutor,
  filters: DirectoryFilters,
  options: PageOptions,
): Promise<WireList> {
  const q = live(directoriesTable.table);
  if (filters.organization_id !== undefined) {
    addCondition(q, 't.organization_id = ?', filters.organization_id);
  }
  if (filters.domain !== undefined) addCondition(q, 't.domain = ?', filters.domain);
  if (filters.search !== undefined) {
    const pattern = `%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Every letter folded on both backends (SQLite's LOWER folds ASCII only).
    const lower = unicodeLowerSql(db.dialect);
    addCondition(q, `${lower}(t.name) LIKE ${lower}(?) ESCAPE '\\'`, pattern);
  }
  return page(db, q, options, directoryWire);
}

export async function getDirectory(db: SqlExecutor, id: string): Promise<WireObject | undefined> {
  const row = await getLive(db, directoriesTable.table, id);
  return row && directoryWire(row);
}
