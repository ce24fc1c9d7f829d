import type { ReconcileTableName } from './reconcile-tables.js';
import { reconcileTableNames } from './reconcile-tables.js';

/** What a reconcile did (or, dry, would do) to one table. */
export interface TableCounts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export type ReconcileCounts = Record<ReconcileTableName, TableCounts>;

export function emptyCounts(): ReconcileCounts {
  return Object.fromEntries(
    reconcileTableNames.map((name) => [name, { created: 0, updated: 0, deleted: 0, unchanged: 0 }]),
  ) as ReconcileCounts;
}

/** Rows created, updated or deleted: what drift the run repaired. */
export function repairedRows(counts: TableCounts): number {
  return counts.created + counts.updated + counts.deleted;
}
