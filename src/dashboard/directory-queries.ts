import type { SqlExecutor } from '../store/sql-executor.js';

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

const userColumns =
  'u.id, u.directory_id, u.email, u.first_name, u.last_name, u.state, u.deleted_at';
const groupColumns = 'g.id, g.directory_id, g.name, g.deleted_at';

/** `value` as a case-insensitive substring pattern for LIKE … ESCAPE '\'. */
export function containsPattern(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listDirectoryRows(db: SqlExecutor): Promise<DirectoryRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, name, type, state, domain, organization_id, deleted_at FROM workos_directories
     ORDER BY name, id LIMIT ${directoryListLimit + 1}`,
  );
  return rows.map(toDirectory);
}

export async function getDirectoryRow(
  db: SqlExecutor,
  id: string,
): Promise<DirectoryRow | undefined> {
  const { rows } = await db.query<Row>(
    'SELECT id, name, type, state, domain, organization_id, deleted_at FROM workos_directories WHERE id = $1',
    [id],
  );
  return rows[0] && toDirectory(rows[0]);
}

export async function directoryUsers(
  db: SqlExecutor,
  directoryId: string,
): Promise<DirectoryUserRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${userColumns} FROM workos_directory_users u WHERE u.directory_id = $1
     ORDER BY u.email, u.id LIMIT ${directoryListLimit + 1}`,
    [directoryId],
  );
  return rows.map(toUser);
}

export async function directoryGroups(
  db: SqlExecutor,
  directoryId: string,
): Promise<DirectoryGroupRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${groupColumns} FROM workos_directory_groups g WHERE g.directory_id = $1
     ORDER BY g.name, g.id LIMIT ${directoryListLimit + 1}`,
    [directoryId],
  );
  return rows.map(toGroup);
}

export async function getUserRow(
  db: SqlExecutor,
  id: string,
): Promise<DirectoryUserRow | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${userColumns} FROM workos_directory_users u WHERE u.id = $1`,
    [id],
  );
  return rows[0] && toUser(rows[0]);
}

export async function getGroupRow(
  db: SqlExecutor,
  id: string,
): Promise<DirectoryGroupRow | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${groupColumns} FROM workos_directory_groups g WHERE g.id = $1`,
    [id],
  );
  return rows[0] && toGroup(rows[0]);
}

/** The groups a user is (or was) in. */
export async function groupsOfUser(
  db: SqlExecutor,
  userId: string,
): Promise<Array<Membership<DirectoryGroupRow>>> {
  const { rows } = await db.query<Row>(
    `SELECT ${groupColumns}, m.deleted_at AS membership_deleted_at
     FROM workos_directory_group_memberships m JOIN workos_directory_groups g ON g.id = m.group_id
     WHERE m.user_id = $1 ORDER BY g.name, g.id LIMIT ${directoryListLimit + 1}`,
    [userId],
  );
  return rows.map((r) => ({
    item: toGroup(r),
    membershipDeletedAt: text(r.membership_deleted_at),
  }));
}

/** The users who are (or were) in a group. */
export async function usersOfGroup(
  db: SqlExecutor,
  groupId: string,
): Promise<Array<Membership<DirectoryUserRow>>> {
  const { rows } = await db.query<Row>(
    `SELECT ${userColumns}, m.deleted_at AS membership_deleted_at
     FROM workos_directory_group_memberships m JOIN workos_directory_users u ON u.id = m.user_id
     WHERE m.group_id = $1 ORDER BY u.email, u.id LIMIT ${directoryListLimit + 1}`,
    [groupId],
  );
  return rows.map((r) => ({ item: toUser(r), membershipDeletedAt: text(r.membership_deleted_at) }));
}

/** Users whose email or name contains `term`, and groups whose name does (case-insensitive). */
export async function searchDirectory(
  db: SqlExecutor,
  term: string,
): Promise<{ users: DirectoryUserRow[]; groups: DirectoryGroupRow[] }> {
  const pattern = containsPattern(term);
  const users = await db.query<Row>(
    `SELECT ${userColumns} FROM workos_directory_users u
     WHERE LOWER(COALESCE(u.email, '')) LIKE $1 ESCAPE '\\'
        OR LOWER(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) LIKE $1 ESCAPE '\\'
     ORDER BY u.email, u.id LIMIT ${directoryListLimit + 1}`,
    [pattern],
  );
  const groups = await db.query<Row>(
    `SELECT ${groupColumns} FROM workos_directory_groups g
     WHERE LOWER(COALESCE(g.name, '')) LIKE $1 ESCAPE '\\'
     ORDER BY g.name, g.id LIMIT ${directoryListLimit + 1}`,
    [pattern],
  );
  return { users: users.rows.map(toUser), groups: groups.rows.map(toGroup) };
}
