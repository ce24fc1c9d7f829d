import { unicodeLowerSql, type SqlExecutor } from '../store/sql-executor.js';

/**
 * The directory page's reads over the mirror tables. Unlike the WorkOS-shaped read API they also
 * return deleted rows (marked by `deletedAt`), so an operator sees what a deletion removed.
 * Plain SQL that both backends run.
 */
export interface DirectoryRow {
  id: string;
  name: string | null;
  type: string | null;
  state: string | null;
  domain: string | null;
  organizationId: string | null;
  deletedAt: string | null;
}
export interface DirectoryUserRow {
  id: string;
  directoryId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  state: string | null;
  deletedAt: string | null;
}
export interface DirectoryGroupRow {
  id: string;
  directoryId: string | null;
  name: string | null;
  deletedAt: string | null;
}
/** A user's group, or a group's user, with whether that membership itself was removed. */
export interface Membership<T> {
  item: T;
  membershipDeletedAt: string | null;
}

/** Rows shown per list; the page says when there are more. */
export const directoryListLimit = 200;

type Row = Record<string, unknown>;
const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

const toDirectory = (r: Row): DirectoryRow => ({
  id: String(r.id),
  name: text(r.name),
  type: text(r.type),
  state: text(r.state),
  domain: text(r.domain),
  organizationId: text(r.organization_id),
  deletedAt: text(r.deleted_at),
});
const toUser = (r: Row): DirectoryUserRow => ({
  id: String(r.id),
  directoryId: text(r.directory_id),
  email: text(r.email),
  firstName: text(r.first_name),
  lastName: text(r.last_name),
  state: text(r.state),
  deletedAt: text(r.deleted_at),
});
const toGroup = (r: Row): DirectoryGroupRow => ({
  id: String(r.id),
  directoryId: text(r.directory_id),
  name: text(r.name),
  deletedAt: text(r.deleted_at),
});

/** How one kind of mirror row is read: its table (aliased), columns, order and mapping. */
interface RowKind<T> {
  from: string;
  alias: string;
  columns: string;
  orderBy: string;
  map: (r: Row) => T;
}
const users: RowKind<DirectoryUserRow> = {
  from: 'workos_directory_users u',
  alias: 'u',
  columns: 'u.id, u.directory_id, u.email, u.first_name, u.last_name, u.state, u.deleted_at',
  orderBy: 'u.email, u.id',
  map: toUser,
};
const groups: RowKind<DirectoryGroupRow> = {
  from: 'workos_directory_groups g',
  alias: 'g',
  columns: 'g.id, g.directory_id, g.name, g.deleted_at',
  orderBy: 'g.name, g.id',
  map: toGroup,
};
const directories: RowKind<DirectoryRow> = {
  from: 'workos_directories d',
  alias: 'd',
  columns: 'd.id, d.name, d.type, d.state, d.domain, d.organization_id, d.deleted_at',
  orderBy: 'd.name, d.id',
  map: toDirectory,
};

/**
 * The rows of one kind that `where` keeps (its `$n` numbered from 1), in the kind's order: one
 * more than a list shows, so the page can say there are more.
 */
async function listRows<T>(
  db: SqlExecutor,
  kind: RowKind<T>,
  where: string,
  params: unknown[],
): Promise<T[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${kind.columns} FROM ${kind.from} ${where === '' ? '' : `WHERE ${where}`}
     ORDER BY ${kind.orderBy} LIMIT ${directoryListLimit + 1}`,
    params,
  );
  return rows.map(kind.map);
}

async function getRow<T>(db: SqlExecutor, kind: RowKind<T>, id: string): Promise<T | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${kind.columns} FROM ${kind.from} WHERE ${kind.alias}.id = $1`,
    [id],
  );
  return rows[0] && kind.map(rows[0]);
}

/**
 * The rows of one kind joined to the memberships whose `by` column is `id` (through the
 * membership's `on` column), with whether each membership itself was removed.
 */
async function membershipRows<T>(
  db: SqlExecutor,
  kind: RowKind<T>,
  on: 'user_id' | 'group_id',
  by: 'user_id' | 'group_id',
  id: string,
): Promise<Array<Membership<T>>> {
  const { rows } = await db.query<Row>(
    `SELECT ${kind.columns}, m.deleted_at AS membership_deleted_at
     FROM workos_directory_group_memberships m JOIN ${kind.from} ON ${kind.alias}.id = m.${on}
     WHERE m.${by} = $1 ORDER BY ${kind.orderBy} LIMIT ${directoryListLimit + 1}`,
    [id],
  );
  return rows.map((r) => ({
    item: kind.map(r),
    membershipDeletedAt: text(r.membership_deleted_at),
  }));
}

/** `value` as a case-insensitive substring pattern for LIKE … ESCAPE '\'. */
export function containsPattern(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const listDirectoryRows = (db: SqlExecutor): Promise<DirectoryRow[]> =>
  listRows(db, directories, '', []);

export const getDirectoryRow = (db: SqlExecutor, id: string): Promise<DirectoryRow | undefined> =>
  getRow(db, directories, id);

export const directoryUsers = (db: SqlExecutor, directoryId: string): Promise<DirectoryUserRow[]> =>
  listRows(db, users, 'u.directory_id = $1', [directoryId]);

export const directoryGroups = (
  db: SqlExecutor,
  directoryId: string,
): Promise<DirectoryGroupRow[]> => listRows(db, groups, 'g.directory_id = $1', [directoryId]);

export const getUserRow = (db: SqlExecutor, id: string): Promise<DirectoryUserRow | undefined> =>
  getRow(db, users, id);

export const getGroupRow = (db: SqlExecutor, id: string): Promise<DirectoryGroupRow | undefined> =>
  getRow(db, groups, id);

/** The groups a user is (or was) in. */
export const groupsOfUser = (
  db: SqlExecutor,
  userId: string,
): Promise<Array<Membership<DirectoryGroupRow>>> =>
  membershipRows(db, groups, 'group_id', 'user_id', userId);

/** The users who are (or were) in a group. */
export const usersOfGroup = (
  db: SqlExecutor,
  groupId: string,
): Promise<Array<Membership<DirectoryUserRow>>> =>
  membershipRows(db, users, 'user_id', 'group_id', groupId);

/** Users whose email or name contains `term`, and groups whose name does (case-insensitive). */
export async function searchDirectory(
  db: SqlExecutor,
  term: string,
): Promise<{ users: DirectoryUserRow[]; groups: DirectoryGroupRow[] }> {
  const pattern = containsPattern(term);
  // Case-insensitive for every letter on both backends (SQLite's LOWER folds ASCII only).
  const lower = unicodeLowerSql(db.dialect);
  const like = (column: string) => `${lower}(${column}) LIKE $1 ESCAPE '\\'`;
  return {
    users: await listRows(
      db,
      users,
      `${like("COALESCE(u.email, '')")}
        OR ${like("COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')")}`,
      [pattern],
    ),
    groups: await listRows(db, groups, like("COALESCE(g.name, '')"), [pattern]),
  };
}
