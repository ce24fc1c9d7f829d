import { groupMembershipsTable } from '../mirror/apply/entity-tables.js';
import { writeKinds } from '../mirror/apply/mirror-writes.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import { PageWrites } from './batched-sql.js';
import type { ReconcileEntity } from './reconcile-tables.js';
import { startVersion } from './snapshot-version.js';
import type { TableCounts } from './table-counts.js';

/** Which rows a finished listing speaks for: a SQL condition on the table (alias `t`). */
export interface TombstoneScope {
  where: string;
  params: readonly unknown[];
}

export const wholeTable: TombstoneScope = { where: '1 = 1', params: [] };

/** Rows in `scope` whose column equals `value`. */
export const scopeWhere = (column: string, value: string): TombstoneScope => ({
  where: `t.${column} = $1`,
  params: [value],
});

// Live, and older than the snapshot's start: only such rows can be missing from WorkOS's lists
// because WorkOS deleted them (a newer row may have been created after its page was read).
const liveBefore = (startParam: string) =>
  `(t.deleted_version IS NULL OR t.deleted_version < t.version) AND t.version < ${startParam}`;

/**
 * Tombstone the live rows of `scope` that a complete listing did not name (`seen`), with the
 * snapshot's version, and their children (`entity.cascades`). A later older event cannot bring
 * them back: its version is below the tombstone's. Returns the ids tombstoned (or, dry, that
 * would be).
 */
export async function tombstoneMissing(
  tx: SqlExecutor,
  entity: ReconcileEntity,
  scope: TombstoneScope,
  seen: ReadonlySet<string>,
  start: string,
  dryRun: boolean,
  counts: TableCounts,
): Promise<string[]> {
  const startParam = `$${scope.params.length + 1}`;
  const { rows } = await tx.query<{ id: string }>(
    `SELECT t.id FROM ${entity.spec.table} AS t WHERE (${scope.where}) AND ${liveBefore(startParam)}`,
    [...scope.params, start],
  );
  const version = startVersion(start);
  const missing = rows.map((row) => row.id).filter((id) => !seen.has(id));
  counts.deleted += missing.length;
  if (!dryRun) {
    const writes = new PageWrites();
    const rows = missing.map((id) => [id, version]);
    for (const kind of [entity.kinds.markDeleted, ...entity.cascades]) writes.add(kind, rows);
    await writes.flush(tx);
  }
  return missing;
}

/**
 * Tombstone the live memberships of `scope` whose user a complete listing did not name (those of
 * listed users were compared page by page, with the user's groups).
 */
export async function tombstoneMembershipsOfMissingUsers(
  tx: SqlExecutor,
  scope: TombstoneScope,
  seenUsers: ReadonlySet<string>,
  start: string,
  dryRun: boolean,
  counts: TableCounts,
): Promise<void> {
  const startParam = `$${scope.params.length + 1}`;
  const { rows } = await tx.query<{ group_id: string; user_id: string }>(
    `SELECT t.group_id, t.user_id FROM ${groupMembershipsTable} AS t ` +
      `WHERE (${scope.where}) AND ${liveBefore(startParam)}`,
    [...scope.params, start],
  );
  const version = startVersion(start);
  const missing = rows
    .filter((row) => !seenUsers.has(row.user_id))
    .map((row) => [row.group_id, row.user_id, version]);
  counts.deleted += missing.length;
  if (!dryRun) {
    const writes = new PageWrites();
    writes.add(writeKinds.deleteMembership, missing);
    await writes.flush(tx);
  }
}
