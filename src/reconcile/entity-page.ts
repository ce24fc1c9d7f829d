import { entityParams } from '../mirror/apply/wire-values.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import type { PageWrites } from './batched-sql.js';
import { comparedColumns, sameContent } from './compare-row.js';
import type { WireObject } from './list-pages.js';
import type { ReconcileEntity } from './reconcile-tables.js';
import { objectVersion } from './snapshot-version.js';
import type { TableCounts } from './table-counts.js';

type Row = Record<string, unknown>;
interface MembershipLike {
  version: string;
  deleted_version: string | null;
}

/** Whether a row is live: no deletion at least as new as its content (as `deleted_at` says). */
export function isLive(row: Record<string, unknown> | MembershipLike): boolean {
  return row.deleted_version === null || String(row.deleted_version) < String(row.version);
}

/**
 * `column` is one of `values` (text), its params appended to `params`: on PostgreSQL one array
 * (`= ANY($n)`, the same statement text for any number of values), on SQLite `IN ($1, $2, …)`.
 */
export function inList(
  tx: SqlExecutor,
  column: string,
  params: unknown[],
  values: readonly unknown[],
): string {
  if (tx.dialect === 'postgres') {
    params.push([...values]);
    return `${column} = ANY($${params.length}::text[])`;
  }
  return `${column} IN (${values.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`;
}

/**
 * Compare one page of listed objects with the mirror's rows and write what differs, by the
 * version rules: a row an event newer than the object's `updated_at` wrote is kept; an older one
 * is rewritten with the snapshot's version, and so is one at that very version whose content
 * differs (edited since a reconcile wrote it); a deleted row whose deletion is older comes back.
 * Counts go to `counts`, the rows to write to `writes` (the caller applies them, or not in a dry
 * run). Returns the ids listed.
 */
export async function reconcileEntityPage(
  tx: SqlExecutor,
  entity: ReconcileEntity,
  objects: readonly WireObject[],
  start: string,
  counts: TableCounts,
  writes: PageWrites,
): Promise<string[]> {
  if (objects.length === 0) return [];
  const { spec } = entity;
  const rows = objects.map((obj, i) =>
    entityParams(
      spec,
      entity.toEventShape ? entity.toEventShape(obj) : obj,
      objectVersion(obj, start),
      { eventId: 'reconcile', event: `list ${entity.name}`, path: `data[${i}]` },
      entity.derived,
    ),
  );
  const ids = rows.map((params) => params[0] as string);
  const params: unknown[] = [];
  const { rows: stored } = await tx.query<Row>(
    `SELECT ${comparedColumns(spec).join(', ')}, version, deleted_version FROM ${spec.table} ` +
      `WHERE ${inList(tx, 'id', params, ids)}`,
    params,
  );
  const byId = new Map(stored.map((row) => [String(row.id), row]));
  const changed: unknown[][] = [];
  for (const upsert of rows) {
    const row = byId.get(upsert[0] as string);
    const version = upsert[upsert.length - 1] as string;
    let write = true;
    if (!row) {
      counts.created++;
    } else if (!isLive(row)) {
      // A deletion newer than this state holds; an older one is undone.
      if (String(row.deleted_version) >= version) {
        counts.unchanged++;
        write = false;
      } else counts.created++;
    } else if (String(row.version) > version) {
      counts.unchanged++; // an event newer than the listed state wrote it
      write = false;
    } else if (String(row.version) === version) {
      // Only a snapshot writes a snapshot's version: a reconcile listed this very state before.
      // A row edited since (by hand, by a bug) is drift; `snapshotUpsert` wins the tie.
      if (sameContent(spec, row, upsert)) {
        counts.unchanged++;
        write = false;
      } else counts.updated++;
    } else if (sameContent(spec, row, upsert)) {
      // Same content: still raise the version, so a late older event cannot revert it.
      counts.unchanged++;
    } else counts.updated++;
    if (write) changed.push(upsert);
  }
  writes.add(entity.kinds.snapshotUpsert, changed);
  return ids;
}
