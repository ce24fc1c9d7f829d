// The Events API puller's writes. The page append has a form per backend (SQLite's runs on the
// append thread, PostgreSQL's is one statement); the rest is written once over SqlExecutor.
import type Database from 'better-sqlite3';
import { toDate } from './event-rows.js';
import { eventArrayParameters, eventArrays, insertEventArrays } from './postgres/insert-events.js';
import type { SqlExecutor } from './sql-executor.js';
import { runSqlite } from './sqlite/sqlite-executor.js';
import type { AppendOutcome, NewEvent, PullCursor, PullCursorUpdate } from './types.js';

const cursors = 'workos_inbox_pull_cursors';
const leases = 'workos_inbox_named_leases';

/** Move the cursor (both dialects), its four parameters numbered from `$first`. */
function cursorUpsert(first: number): string {
  const [name, after, rangeStart, updatedAt] = [0, 1, 2, 3].map((i) => `$${first + i}`);
  return `INSERT INTO ${cursors} (name, after_id, range_start, updated_at)
     VALUES (${name}, ${after}, ${rangeStart}, ${updatedAt})
     ON CONFLICT (name) DO UPDATE SET
       after_id = excluded.after_id, range_start = excluded.range_start, updated_at = excluded.updated_at`;
}

const sqliteCursorUpsert = cursorUpsert(1);

/**
 * A page as it travels to SQLite's append thread: a column per field and every body back to back
 * in ONE buffer, which postMessage transfers instead of copying. The puller's thread then clones a
 * few arrays of short strings, not a hundred objects each with its own Date and body buffer.
 */
export interface PackedPage {
  ids: string[];
  names: string[];
  createdAts: string[];
  /** ISO-8601. */
  receivedAts: string[];
  sources: string[];
  /** Body i is `bodies[ends[i - 1] ?? 0 .. ends[i])`. */
  bodies: Uint8Array;
  ends: number[];
}

/** Pack `events` for the append thread; `bodies.buffer` is its own, to transfer. */
export function packPage(events: readonly NewEvent[]): PackedPage {
  const n = events.length;
  const page: PackedPage = {
    ids: new Array<string>(n),
    names: new Array<string>(n),
    createdAts: new Array<string>(n),
    receivedAts: new Array<string>(n),
    sources: new Array<string>(n),
    bodies: new Uint8Array(0),
    ends: new Array<number>(n),
  };
  let total = 0;
  let lastTime = NaN;
  let lastIso = '';
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    page.ids[i] = e.id;
    page.names[i] = e.event;
    page.createdAts[i] = e.createdAt;
    page.sources[i] = e.source;
    // A page's events nearly always share one receive time: format it once.
    const time = e.receivedAt.getTime();
    if (time !== lastTime) {
      lastTime = time;
      lastIso = e.receivedAt.toISOString();
    }
    page.receivedAts[i] = lastIso;
    total += e.rawBody.byteLength;
    page.ends[i] = total;
  }
  page.bodies = new Uint8Array(total);
  for (let i = 0; i < n; i++) page.bodies.set(events[i]!.rawBody, page.ends[i - 1] ?? 0);
  return page;
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
 * SQLite, in the transaction the caller opened on `db`: the page's events (a known id writes
 * nothing) in one multi-row statement, prepared once per page size, then the cursor. Measured
 * (bench:pull): a statement per row made a page cost 2–3 times as much; the per-statement work
 * (with the status-count trigger firing in each) outweighed the rows themselves.
 */
export function appendPageSqlite(
  db: Database.Database,
  page: PackedPage,
  cursor: PullCursorUpdate,
  now: Date,
): AppendOutcome[] {
  const n = page.ids.length;
  let outcomes: AppendOutcome[] = [];
  if (n > 0) {
    const values: unknown[] = new Array<unknown>(n * 7);
    const { buffer, byteOffset } = page.bodies;
    let start = 0;
    for (let i = 0; i < n; i++) {
      const end = page.ends[i]!;
      const v = i * 7;
      values[v] = page.ids[i];
      values[v + 1] = page.names[i];
      values[v + 2] = page.createdAts[i];
      values[v + 3] = page.receivedAts[i];
      values[v + 4] = Buffer.from(buffer, byteOffset + start, end - start);
      values[v + 5] = page.sources[i];
      values[v + 6] = page.receivedAts[i];
      start = end;
    }
    const rows = pageInsert(db, n).all(...values) as Array<{ id: string }>;
    outcomes = outcomesOf(page.ids, rows);
  }
  runSqlite(db, sqliteCursorUpsert, [cursor.name, cursor.after, cursor.rangeStart, now]);
  return outcomes;
}

const postgresPageAppend = `WITH moved AS (${cursorUpsert(eventArrayParameters + 1)}),
  inserted AS (${insertEventArrays})
  SELECT id, pg_notify($${eventArrayParameters + 5}, '') FROM inserted`;

/**
 * PostgreSQL: the page's events, the cursor and the wake-up NOTIFY in ONE statement, so one round
 * trip (not BEGIN, insert, cursor, notify, COMMIT: five) and one commit, durable as the server's
 * synchronous_commit says. A data-modifying CTE always runs, whether or not the query reads it;
 * NOTIFY sends one notification per transaction for the same channel and payload.
 */
export async function appendPagePostgres(
  db: SqlExecutor,
  events: readonly NewEvent[],
  cursor: PullCursorUpdate,
  now: Date,
  wakeChannel: string,
): Promise<AppendOutcome[]> {
  const { rows } = await db.query<{ id: string }>(postgresPageAppend, [
    ...eventArrays(events),
    cursor.name,
    cursor.after,
    cursor.rangeStart,
    now,
    wakeChannel,
  ]);
  return outcomesOf(
    events.map((e) => e.id),
    rows,
  );
}

/** Each id's outcome, in order: inserted if the statement returned it. */
function outcomesOf(ids: readonly string[], rows: ReadonlyArray<{ id: string }>): AppendOutcome[] {
  const inserted = new Set(rows.map((r) => r.id));
  // A page never holds one id twice (ids are unique in the Events API); if it did, the first counts.
  return ids.map((id) => (inserted.delete(id) ? 'inserted' : 'duplicate'));
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

/**
 * Take or renew the lease `name` for `owner` until `until`, unless someone else holds it now. A
 * pause it carries that has ended by `now` is cleared (one still to come stays, whoever takes it).
 */
export async function takeNamedLease(
  tx: SqlExecutor,
  name: string,
  owner: string,
  until: Date,
  now: Date,
): Promise<boolean> {
  const ended = `${leases}.paused_until <= $4`;
  const { rowCount } = await tx.query(
    `INSERT INTO ${leases} (name, owner, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
       paused_until = CASE WHEN ${ended} THEN NULL ELSE ${leases}.paused_until END,
       pause_reason = CASE WHEN ${ended} THEN NULL ELSE ${leases}.pause_reason END
     WHERE ${leases}.owner = excluded.owner OR ${leases}.expires_at <= $4`,
    [name, owner, until, now],
  );
  return rowCount > 0;
}

/** Long ago: the expiry of a lease given back while it carries a pause (free to take at once). */
const givenBack = new Date(0);

/**
 * Give the lease `name` back if `owner` holds it. A lease that carries a pause is not deleted but
 * expired at once, so the pause stays for whoever takes it next.
 */
export async function releaseNamedLease(
  tx: SqlExecutor,
  name: string,
  owner: string,
): Promise<void> {
  await tx.query(`DELETE FROM ${leases} WHERE name = $1 AND owner = $2 AND paused_until IS NULL`, [
    name,
    owner,
  ]);
  await tx.query(`UPDATE ${leases} SET expires_at = $3 WHERE name = $1 AND owner = $2`, [
    name,
    owner,
    givenBack,
  ]);
}

/**
 * Record on the lease `name` that WorkOS asked (a `Retry-After`) not to be asked again for its job
 * before `until`, and why: no process that takes the lease asks before then. Written whoever holds
 * the lease now (WorkOS's answer holds for every process); a lease given back meanwhile is made
 * again, expired, to carry it.
 */
export async function pauseNamedLease(
  tx: SqlExecutor,
  name: string,
  owner: string,
  until: Date,
  reason: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${leases} (name, owner, expires_at, paused_until, pause_reason)
     VALUES ($1, $2, $5, $3, $4)
     ON CONFLICT (name) DO UPDATE SET paused_until = excluded.paused_until,
       pause_reason = excluded.pause_reason`,
    [name, owner, until, reason, givenBack],
  );
}

/** A named lease as stored: who took it last, and until when (possibly past). */
export interface NamedLeaseHolder {
  owner: string;
  expiresAt: Date;
  /**
   * Set while the lease carries a pause WorkOS asked for: no request for its job before `until`
   * (possibly past: it is cleared by the next take after it), and why.
   */
  pause?: { until: Date; reason: string };
}

/**
 * The row of the lease `name`, or undefined when nobody holds it (never taken, or given back
 * without a pause).
 */
export async function readNamedLease(
  db: SqlExecutor,
  name: string,
): Promise<NamedLeaseHolder | undefined> {
  const { rows } = await db.query<{
    owner: string;
    expires_at: string | Date;
    paused_until: string | Date | null;
    pause_reason: string | null;
  }>(`SELECT owner, expires_at, paused_until, pause_reason FROM ${leases} WHERE name = $1`, [name]);
  const row = rows[0];
  if (!row) return undefined;
  const holder: NamedLeaseHolder = { owner: row.owner, expiresAt: toDate(row.expires_at) };
  if (row.paused_until !== null) {
    holder.pause = { until: toDate(row.paused_until), reason: row.pause_reason ?? '' };
  }
  return holder;
}
