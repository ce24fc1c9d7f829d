/**
 * PostgreSQL: an array of the addresses (`ctid`) of the rows of `table` whose `column` is one of
 * the keys in the `text[]` parameter `keys` (`$n`), for `WHERE ctid = ANY (…)`. Each key is looked
 * up by the index on `column` (`OFFSET 0` keeps each a lookup: no join whose order the planner
 * could choose) and the rows are reached by address (a TID scan), so the statement has one text
 * whatever the count, is prepared, and has the same plan for any values and any statistics; with
 * `column = ANY (…)` or an `IN (…)` list, a table PostgreSQL had no statistics for, or took them
 * while small, was read whole. `also` adds conditions on each looked-up row (alias `r`).
 *
 * An address holds while the row is not updated: either this transaction locked the rows
 * (`FOR UPDATE`), or the statement tests what it needs on each row again, so a row another
 * transaction updated meanwhile (a new `ctid`) is skipped, as that test would skip it.
 */
export function addressesByKey(table: string, column: string, keys: string, also = ''): string {
  return `ARRAY(
    SELECT found.ctid FROM unnest(${keys}::text[]) AS k (key)
    CROSS JOIN LATERAL (
      SELECT r.ctid FROM ${table} r WHERE r.${column} = k.key${also ? ` AND ${also}` : ''} OFFSET 0
    ) found)`;
}
