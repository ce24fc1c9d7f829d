import type { ReconcileDatabase } from './reconcile.js';
import { reconcileEntities, reconcileTableNames } from './reconcile-tables.js';
import type { ReconcileTableName } from './reconcile-tables.js';
import { groupMembershipsTable } from '../mirror/apply/entity-tables.js';
import type { ReconcileCounts } from './table-counts.js';

/** Each summary table's table in the database. */
const sqlTables: Record<ReconcileTableName, string> = {
  ...(Object.fromEntries(
    Object.values(reconcileEntities).map((entity) => [entity.name, entity.spec.table]),
  ) as Record<Exclude<ReconcileTableName, 'directory_group_memberships'>, string>),
  directory_group_memberships: groupMembershipsTable,
};

/**
 * The tables that hold no row at all, tombstones included: the mirror has never had anything
 * there (a new database, a first deploy). Read before a run begins, to tell its fill from repairs.
 */
export async function emptyTables(
  db: Pick<ReconcileDatabase, 'read'>,
): Promise<Set<ReconcileTableName>> {
  const columns = reconcileTableNames.map(
    (name) => `CASE WHEN EXISTS (SELECT 1 FROM ${sqlTables[name]}) THEN 1 ELSE 0 END AS ${name}`,
  );
  const { rows } = await db.read((tx) =>
    tx.query<Record<ReconcileTableName, number>>(`SELECT ${columns.join(', ')}`),
  );
  const row = rows[0]!;
  return new Set(reconcileTableNames.filter((name) => Number(row[name]) === 0));
}

/** Rows created, updated or deleted in one table. */
export interface RowChanges {
  created: number;
  updated: number;
  deleted: number;
}

/** What a run changed, told apart (tables without such changes are left out). */
export interface ReconcileChanges {
  /**
   * Rows created in a table that held no row when the run began: the mirror's first fill (a
   * first deploy, a new database), not drift.
   */
  filled: Partial<Record<ReconcileTableName, number>>;
  /** Every other change: the mirror differed from WorkOS. */
  repaired: Partial<Record<ReconcileTableName, RowChanges>>;
}

/** Splits a run's counts by {@link ReconcileChanges}' rule, given the tables empty at its start. */
export function classifyChanges(
  counts: ReconcileCounts,
  emptyAtStart: ReadonlySet<ReconcileTableName>,
): ReconcileChanges {
  const changes: ReconcileChanges = { filled: {}, repaired: {} };
  for (const name of reconcileTableNames) {
    const { created, updated, deleted } = counts[name];
    const filled = emptyAtStart.has(name) ? created : 0;
    if (filled > 0) changes.filled[name] = filled;
    const repaired = { created: created - filled, updated, deleted };
    if (repaired.created + updated + deleted > 0) changes.repaired[name] = repaired;
  }
  return changes;
}
