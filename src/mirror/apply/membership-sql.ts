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
