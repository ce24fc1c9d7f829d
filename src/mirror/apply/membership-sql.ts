import type { EntityTable } from './entity-tables.js';
import {
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  groupMembershipsTable,
} from './entity-tables.js';

// A membership is born deleted when its user, group or directory already is (see entity-sql.ts).
// Params: group id, user id, directory id, version.
export const upsertMembershipSql =
  `INSERT INTO ${groupMembershipsTable} AS t (group_id, user_id, directory_id, version, deleted_version) ` +
  `VALUES ($1, $2, $3, $4, (SELECT MAX(p.dv) FROM (` +
  `SELECT u.deleted_version AS dv FROM ${directoryUsersTable.table} AS u WHERE u.id = $2 ` +
  `UNION ALL SELECT g.deleted_version AS dv FROM ${directoryGroupsTable.table} AS g WHERE g.id = $1 ` +
  `UNION ALL SELECT d.deleted_version AS dv FROM ${directoriesTable.table} AS d WHERE d.id = $3) AS p)) ` +
  `ON CONFLICT (group_id, user_id) DO UPDATE SET directory_id = excluded.directory_id, ` +
  `version = excluded.version WHERE excluded.version > t.version`;

/** Params: group id, user id, version. */
export const deleteMembershipSql =
  `UPDATE ${groupMembershipsTable} SET deleted_version = $3 ` +
  `WHERE group_id = $1 AND user_id = $2 AND (deleted_version IS NULL OR deleted_version < $3)`;

const pgType = (spec: EntityTable, column: string): string =>
  spec.json.has(column) || column === 'raw'
    ? 'jsonb'
    : spec.booleans.has(column)
      ? 'boolean'
      : 'text';

/**
 * The entity upsert as `INSERT … SELECT`, optionally reading `COUNT(*)` of a previous CTE so
 * that CTE runs to completion first. Parameters are cast: an `INSERT … SELECT` does not infer
 * their types from the target columns as `VALUES` does.
 */
function chainedUpsert(spec: EntityTable, offset: number, after?: string): string {
  const cols = ['id', ...spec.columns, 'created_at', 'updated_at', 'raw', 'version'];
  const values = cols.map((c, i) => `$${i + 1 + offset}::${pgType(spec, c)}`);
  const directory = `$${cols.indexOf('directory_id') + 1 + offset}::text`;
  const updates = cols
    .filter((c) => c !== 'id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  return (
    `INSERT INTO ${spec.table} AS t (${cols.join(', ')}, deleted_version) ` +
    `SELECT ${values.join(', ')}, ` +
    `(SELECT d.deleted_version FROM ${directoriesTable.table} AS d WHERE d.id = ${directory})` +
    (after ? ` FROM (SELECT COUNT(*) FROM ${after}) AS after_${after}` : '') +
    ` ON CONFLICT (id) DO UPDATE SET ${updates} WHERE excluded.version > t.version RETURNING 1`
  );
}

/** Parameters of the user and group upserts (id, columns, created_at, updated_at, raw, version). */
export const userUpsertParamCount = directoryUsersTable.columns.length + 5;
export const groupUpsertParamCount = directoryGroupsTable.columns.length + 5;

/**
 * PostgreSQL only: the user upsert, the group upsert and the membership upsert in one statement
 * (one round trip instead of three). Each part reads `COUNT(*)` of the one before, so they run
 * in this order, taking row locks user → group → membership like the cascades do (a
 * `dsync.group.deleted` locks the group, then its memberships); an unreferenced CTE would run
 * after the main statement and could deadlock with them.
 *
 * Equivalent to the three statements in sequence: the membership's "born deleted" lookup sees
 * the snapshot before the statement, where a user or group the statement inserts is missing,
 * but such a row is born with its directory's deletion, which the lookup reads directly; and an
 * upsert of an existing row never changes its deletion.
 * Params: the user upsert's, then the group upsert's, then group id, user id, directory id, version.
 */
export const membershipPostgresSql = (() => {
  const m = userUpsertParamCount + groupUpsertParamCount;
  return (
    `WITH user_upsert AS (${chainedUpsert(directoryUsersTable, 0)}), ` +
    `group_upsert AS (${chainedUpsert(directoryGroupsTable, userUpsertParamCount, 'user_upsert')}) ` +
    `INSERT INTO ${groupMembershipsTable} AS t (group_id, user_id, directory_id, version, deleted_version) ` +
    `SELECT $${m + 1}::text, $${m + 2}::text, $${m + 3}::text, $${m + 4}::text, (SELECT MAX(p.dv) FROM (` +
    `SELECT u.deleted_version AS dv FROM ${directoryUsersTable.table} AS u WHERE u.id = $${m + 2}::text ` +
    `UNION ALL SELECT g.deleted_version AS dv FROM ${directoryGroupsTable.table} AS g WHERE g.id = $${m + 1}::text ` +
    `UNION ALL SELECT d.deleted_version AS dv FROM ${directoriesTable.table} AS d WHERE d.id = $${m + 3}::text) AS p) ` +
    `FROM (SELECT COUNT(*) FROM group_upsert) AS after_group_upsert ` +
    `ON CONFLICT (group_id, user_id) DO UPDATE SET directory_id = excluded.directory_id, ` +
    `version = excluded.version WHERE excluded.version > t.version`
  );
})();
