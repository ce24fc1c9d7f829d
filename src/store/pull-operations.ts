// The Events API puller's writes, written once for both backends over SqlExecutor. Each runs
// inside a transaction the backend opened.
import { toDate } from './event-rows.js';
import type { SqlExecutor } from './sql-executor.js';
import type { AppendOutcome, NewEvent, PullCursor, PullCursorUpdate } from './types.js';

const cursors = 'workos_inbox_pull_cursors';
const leases = 'workos_inbox_named_leases';

/** Insert the page's events (a known id writes nothing) and move the cursor, in `tx`. */
export async function appendPageRows(
  tx: SqlExecutor,
  events: readonly NewEvent[],
  cursor: PullCursorUpdate,
  now: Date,
): Promise<AppendOutcome[]> {
  const outcomes: AppendOutcome[] = [];
  for (const e of events) {
    const { rowCount } = await tx.query(
      `INSERT INTO workos_inbox_events
         (id, event, created_at, received_at, raw_body, source, status, attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $4)
       ON CONFLICT (id) DO NOTHING`,
      [e.id, e.event, e.createdAt, e.receivedAt, e.rawBody, e.source],
    );
    outcomes.push(rowCount > 0 ? 'inserted' : 'duplicate');
  }
  await tx.query(
    `INSERT INTO ${cursors} (name, after_id, range_start, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET
       after_id = excluded.after_id, range_start = excluded.range_start, updated_at = excluded.updated_at`,
    [cursor.name, cursor.after, cursor.rangeStart, now],
  );
  return outcomes;
}

export async function readPullCursor(
  db: SqlExecutor,
  name: string,
): Promise<PullCursor | undefined> {
  const { rows } = await db.query<{
    name: string;
    after_id: string | null;
    range_start: string | null;
    updated_at: string | Date;
  }>(`SELECT name, after_id, range_start, updated_at FROM ${cursors} WHERE name = $1`, [name]);
  const row = rows[0];
  return row
    ? {
        name: row.name,
        after: row.after_id,
        rangeStart: row.range_start,
        updatedAt: toDate(row.updated_at),
      }
    : undefined;
}

/** Take or renew the lease `name` for `owner` until `until`, unless someone else holds it now. */
export async function takeNamedLease(
  tx: SqlExecutor,
  name: string,
  owner: string,
  until: Date,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO ${leases} (name, owner, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE ${leases}.owner = excluded.owner OR ${leases}.expires_at <= $4`,
    [name, owner, until, now],
  );
  return rowCount > 0;
}

export async function releaseNamedLease(
  tx: SqlExecutor,
  name: string,
  owner: string,
): Promise<void> {
  await tx.query(`DELETE FROM ${leases} WHERE name = $1 AND owner = $2`, [name, owner]);
}
