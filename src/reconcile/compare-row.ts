import type { EntityTable } from '../mirror/apply/entity-tables.js';

/** JSON with sorted keys: PostgreSQL's JSONB reorders keys, SQLite keeps the text as written. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

function normalize(spec: EntityTable, column: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (spec.json.has(column))
    return canonicalJson(typeof value === 'string' ? JSON.parse(value) : value);
  if (spec.booleans.has(column)) return Boolean(value); // SQLite stores 0/1
  return String(value);
}

/** The columns a reconcile compares: the mapped ones and the object's own timestamps. */
export function comparedColumns(spec: EntityTable): string[] {
  return ['id', ...spec.columns, 'created_at', 'updated_at'];
}

/**
 * Whether a stored row already holds what the upsert params would write (its version aside).
 * `params` is `entityParams`'s output: id, ...columns, created_at, updated_at, raw, version.
 * `raw` is not compared: it is the object as its writer received it (an event's carries keys
 * such as `previous_attributes`), and parsing it for every row would triple the comparison's
 * cost in a run that finds nothing to do.
 */
export function sameContent(
  spec: EntityTable,
  row: Record<string, unknown>,
  params: readonly unknown[],
): boolean {
  return comparedColumns(spec).every(
    (column, i) =>
      // The same text (SQLite's JSON as it was written) needs no parsing.
      row[column] === params[i] ||
      normalize(spec, column, row[column]) === normalize(spec, column, params[i]),
  );
}
