// The Events API puller's writes, written once for both backends over SqlExecutor. Each runs
// inside a transaction the backend opened.
import type Database from 'better-sqlite3';
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
  const outcomes =
    tx.dialect === 'sqlite' ? insertSqlite(tx, events) : await insertPostgres(tx, events);
  await tx.query(
    `INSERT INTO ${cursors} (name, after_id, range_start, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET
       after_id = excluded.after_id, range_start = excluded.range_start, updated_at = excluded.updated_at`,
    [cursor.name, cursor.after, cursor.rangeStart, now],
  );
  return outcomes;
}

/** Multi-row INSERT statements by row count, per connection (a page is nearly always 100). */
const pageInserts = new WeakMap<Database.Database, Map<number, Database.Statement>>();

function pageInsert(db: Database.Database, rows: number): Database.Statement {
  let byRows = pageInserts.get(db);
  if (!byRows) pageInserts.set(db, (byRows = new Map()));
  let statement = byRows.get(rows);
  if (!statement) {
    statement = db.prepare(
      `INSERT INTO workos_inbox_events
         (id, event, created_at, received_at, raw_body, source, status, attempts, next_attempt_at)
       VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, 'pending', 0, ?)").join(', ')}
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
    );
    byRows.set(rows, statement);
  }
  return statement;
}

/**
 * SQLite: the whole page in one multi-row statement, prepared once per page size and run
 * synchronously (the transaction is already open on this connection). Measured (bench:pull): a
 * statement per row made a page cost 2–3 times as much; the per-statement work (with the
 * status-count trigger firing in each) outweighed the rows themselves.
 */
function insertSqlite(tx: SqlExecutor, events: readonly NewEvent[]): AppendOutcome[] {
  if (events.length === 0) return [];
  const db = tx.native as Database.Database;
  const values: unknown[] = [];
  for (const e of events) {
    const receivedAt = e.receivedAt.toISOString();
    const body = Buffer.from(e.rawBody.buffer, e.rawBody.byteOffset, e.rawBody.byteLength);
    values.push(e.id, e.event, e.createdAt, receivedAt, body, e.source, receivedAt);
  }
  const rows = pageInsert(db, events.length).all(...values) as Array<{ id: string }>;
  const inserted = new Set(rows.map((r) => r.id));
  // A page never holds one id twice (ids are unique in the Events API); if it did, the first counts.
  return events.map((e) => (inserted.delete(e.id) ? 'inserted' : 'duplicate'));
}

/** PostgreSQL: one statement over arrays for the whole page (the append path's shape). */
async function insertPostgres(
  tx: SqlExecutor,
  events: readonly NewEvent[],
): Promise<AppendOutcome[]> {
  if (events.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO workos_inbox_events
       (id, event, created_at, received_at, raw_body, source, next_attempt_at, status, attempts)
     SELECT id, event, created_at, received_at, raw_body, source, received_at, 'pending', 0
     FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bytea[], $6::text[])
       AS page (id, event, created_at, received_at, raw_body, source)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      events.map((e) => e.id),
      events.map((e) => e.event),
      events.map((e) => e.createdAt),
      events.map((e) => e.receivedAt),
      events.map((e) => Buffer.from(e.rawBody.buffer, e.rawBody.byteOffset, e.rawBody.byteLength)),
      events.map((e) => e.source),
    ],
  );
  const inserted = new Set(rows.map((r) => r.id));
  // A page never holds one id twice (ids are unique in the Events API); if it did, the first counts.
  return events.map((e) => (inserted.delete(e.id) ? 'inserted' : 'duplicate'));
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
