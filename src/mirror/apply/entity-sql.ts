import type { EntityTable } from './entity-tables.js';
import { directoriesTable } from './entity-tables.js';

/** The constant statements for one entity table, built once at load so drivers can cache them. */
export interface EntitySql {
  /** Params: id, ...columns, created_at, updated_at, raw, version. */
  upsert: string;
  /**
   * Reconcile's upsert, the same params: a row at the very same version is overwritten too. Only
   * a snapshot writes a snapshot's version (`<updated_at> snapshot`; an event's ends in its id),
   * so a row at it holds what a reconcile listed at that `updated_at`, unless it was edited since
   * (by hand, or by a bug): WorkOS's listing wins the tie. See docs/mirror.md, "Reconcile".
   */
  snapshotUpsert: string;
  /** Params: id, deletion version. */
  markDeleted: string;
}

// Content is last-writer-wins on `version`; deletion is a separate max-register
// (`deleted_version`). Both merges are commutative and idempotent, which is what makes the
// final rows independent of delivery order and duplicates.
export function buildEntitySql(spec: EntityTable): EntitySql {
  const cols = ['id', ...spec.columns, 'created_at', 'updated_at', 'raw', 'version'];
  const params = cols.map((_, i) => `$${i + 1}`);
  const directoryParam = `$${cols.indexOf('directory_id') + 1}`;
  const bornDeleted = spec.directoryChild
    ? `(SELECT d.deleted_version FROM ${directoriesTable.table} AS d WHERE d.id = ${directoryParam})`
    : 'NULL';
  const updates = cols
    .filter((c) => c !== 'id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  const upsertIf = (newer: '>' | '>=') =>
    `INSERT INTO ${spec.table} AS t (${cols.join(', ')}, deleted_version) ` +
    `VALUES (${params.join(', ')}, ${bornDeleted}) ` +
    `ON CONFLICT (id) DO UPDATE SET ${updates} WHERE excluded.version ${newer} t.version`;
  const markDeleted =
    `UPDATE ${spec.table} SET deleted_version = $2 ` +
    `WHERE id = $1 AND (deleted_version IS NULL OR deleted_version < $2)`;
  return { upsert: upsertIf('>'), snapshotUpsert: upsertIf('>='), markDeleted };
}

/** Raise `deleted_version` of every child row of a deleted parent. Params: parent id, version. */
export function buildCascadeSql(table: string, parentColumn: string): string {
  return (
    `UPDATE ${table} SET deleted_version = $2 ` +
    `WHERE ${parentColumn} = $1 AND (deleted_version IS NULL OR deleted_version < $2)`
  );
}
