// PostgreSQL statements that apply many rows of one kind of mirror write at once. Each takes one
// array per value and reads them with unnest, so the statement text does not depend on the
// number of rows and is prepared once per connection. Same rules as the one-row statements in
// entity-sql.ts and membership-sql.ts; the rows given are distinct by key (MirrorWrites merges).
// An UPDATE … FROM unnest(…) also names its keys as `= ANY ($n)`: joined on unnest alone, the
// planner (which guesses a few rows for unnest) hash-joined against a scan of the whole table,
// 1–30 ms a batch on a directory of a few thousand memberships and growing with it; with the
// array as an index condition it reads only the rows it changes.
import type { EntityTable } from './entity-tables.js';
import {
  directoriesTable,
  directoryGroupsTable,
  directoryUsersTable,
  groupMembershipsTable,
} from './entity-tables.js';

const pgType = (spec: EntityTable, column: string): string =>
  spec.json.has(column) || column === 'raw'
    ? 'jsonb'
    : spec.booleans.has(column)
      ? 'boolean'
      : 'text';

/** `unnest($1::t1[], $2::t2[], …) AS v(c1, c2, …)` */
function rowsOf(columns: readonly string[], types: readonly string[]): string {
  const arrays = columns.map((_, i) => `$${i + 1}::${types[i]}[]`);
  return `unnest(${arrays.join(', ')}) AS v(${columns.join(', ')})`;
}

/** The entity upsert and deletion over arrays. Params as the one-row statements', as arrays. */
export function buildEntityPostgresSql(spec: EntityTable): {
  upsert: string;
  snapshotUpsert: string;
  markDeleted: string;
} {
  const cols = ['id', ...spec.columns, 'created_at', 'updated_at', 'raw', 'version'];
  const bornDeleted = spec.directoryChild
    ? `(SELECT d.deleted_version FROM ${directoriesTable.table} AS d WHERE d.id = v.directory_id)`
    : 'NULL';
  const updates = cols
    .filter((c) => c !== 'id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  const upsertIf = (newer: '>' | '>=') =>
    `INSERT INTO ${spec.table} AS t (${cols.join(', ')}, deleted_version) ` +
    `SELECT ${cols.map((c) => `v.${c}`).join(', ')}, ${bornDeleted} ` +
    `FROM ${rowsOf(
      cols,
      cols.map((c) => pgType(spec, c)),
    )} ` +
    `ON CONFLICT (id) DO UPDATE SET ${updates} WHERE excluded.version ${newer} t.version`;
  const markDeleted =
    `UPDATE ${spec.table} AS t SET deleted_version = v.version ` +
    `FROM ${rowsOf(['id', 'version'], ['text', 'text'])} ` +
    `WHERE t.id = ANY ($1::text[]) AND t.id = v.id ` +
    `AND (t.deleted_version IS NULL OR t.deleted_version < v.version)`;
  return { upsert: upsertIf('>'), snapshotUpsert: upsertIf('>='), markDeleted };
}

/** Raise `deleted_version` of the children of many parents. Params: parent ids, versions. */
export function buildCascadePostgresSql(table: string, parentColumn: string): string {
  return (
    `UPDATE ${table} AS t SET deleted_version = v.version ` +
    `FROM ${rowsOf(['parent', 'version'], ['text', 'text'])} ` +
    `WHERE t.${parentColumn} = ANY ($1::text[]) AND t.${parentColumn} = v.parent ` +
    `AND (t.deleted_version IS NULL OR t.deleted_version < v.version)`
  );
}

/**
 * Params: group ids, user ids, directory ids, versions. Born deleted as the one-row statement: the
 * latest deletion of the user, the group and the directory (GREATEST skips NULLs). Joined rather
 * than three correlated subqueries under MAX: the same index lookups without an aggregate per row
 * (the statement's time on a page of reconcile's ~200 memberships: 4.7 to 4.3 ms).
 */
export const upsertMembershipPostgresSql =
  `INSERT INTO ${groupMembershipsTable} AS t (group_id, user_id, directory_id, version, deleted_version) ` +
  `SELECT v.group_id, v.user_id, v.directory_id, v.version, ` +
  `GREATEST(u.deleted_version, g.deleted_version, d.deleted_version) ` +
  `FROM ${rowsOf(['group_id', 'user_id', 'directory_id', 'version'], ['text', 'text', 'text', 'text'])} ` +
  `LEFT JOIN ${directoryUsersTable.table} AS u ON u.id = v.user_id ` +
  `LEFT JOIN ${directoryGroupsTable.table} AS g ON g.id = v.group_id ` +
  `LEFT JOIN ${directoriesTable.table} AS d ON d.id = v.directory_id ` +
  `ON CONFLICT (group_id, user_id) DO UPDATE SET directory_id = excluded.directory_id, ` +
  `version = excluded.version WHERE excluded.version > t.version`;

/** Params: group ids, user ids, versions. */
export const deleteMembershipPostgresSql =
  `UPDATE ${groupMembershipsTable} AS t SET deleted_version = v.version ` +
  `FROM ${rowsOf(['group_id', 'user_id', 'version'], ['text', 'text', 'text'])} ` +
  `WHERE t.group_id = ANY ($1::text[]) AND t.user_id = ANY ($2::text[]) ` +
  `AND t.group_id = v.group_id AND t.user_id = v.user_id ` +
  `AND (t.deleted_version IS NULL OR t.deleted_version < v.version)`;
