// Reads and re-queueing, written once for both backends over SqlExecutor.
import { defaults } from '../defaults.js';
import { filterSql } from './event-filter.js';
import { placeholders, toAttemptRecord, toDate, toStoredEvent } from './event-rows.js';
import type { AttemptRow, EventRow } from './event-rows.js';
import { dueIndex } from './lease-operations.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import type { SqlExecutor } from './sql-executor.js';
import { eventStatuses } from './types.js';
import type {
  AttemptRecord,
  EventFilter,
  EventStatus,
  ListOptions,
  ListPage,
  StatsOptions,
  StoreStats,
  StoredEvent,
} from './types.js';
import { limits } from '../limits.js';

const events = 'workos_inbox_events';

export async function getEvent(db: SqlExecutor, id: string): Promise<StoredEvent | undefined> {
  const { rows } = await db.query<EventRow>(`SELECT * FROM ${events} WHERE id = $1`, [id]);
  return rows[0] ? toStoredEvent(rows[0]) : undefined;
}

/**
 * The stored events among `ids`, in no particular order (an unknown id is left out): one
 * statement where a `getEvent` per id was a round trip (on PostgreSQL) or a read (on SQLite)
 * each. For a page's worth of ids (one bound parameter each).
 */
export async function getEvents(db: SqlExecutor, ids: readonly string[]): Promise<StoredEvent[]> {
  if (ids.length === 0) return [];
  const params: unknown[] = [];
  const { rows } = await db.query<EventRow>(
    `SELECT * FROM ${events} WHERE id IN (${placeholders(params, ids)})`,
    params,
  );
  return rows.map(toStoredEvent);
}

export async function listAttempts(db: SqlExecutor, id: string): Promise<AttemptRecord[]> {
  const { rows } = await db.query<AttemptRow>(
    `SELECT * FROM workos_inbox_attempts WHERE event_id = $1 ORDER BY id`,
    [id],
  );
  return rows.map(toAttemptRecord);
}

export async function listEvents(db: SqlExecutor, options: ListOptions): Promise<ListPage> {
  const { rows, nextCursor } = await listRows<EventRow>(db, options, '*');
  return { events: rows.map(toStoredEvent), nextCursor };
}

/** An event as a redrive counts and windows it: no body, no attempts. */
export interface EventKey {
  id: string;
  receivedAt: Date;
  prunedAt: Date | null;
}

/**
 * `listEvents` reading only each event's key: what counting a redrive's matches needs. Pages of
 * whole rows carried every body (up to 1 MB each) into memory for a count of ids.
 */
export async function listEventKeys(
  db: SqlExecutor,
  options: ListOptions,
): Promise<{ keys: EventKey[]; nextCursor: string | null }> {
  const { rows, nextCursor } = await listRows<
    Pick<EventRow, 'id' | 'received_at'> & { pruned_at: string | Date | null }
  >(db, options, 'id, received_at, pruned_at');
  return {
    keys: rows.map((r) => ({
      id: r.id,
      receivedAt: toDate(r.received_at),
      prunedAt: r.pruned_at === null ? null : toDate(r.pruned_at),
    })),
    nextCursor,
  };
}

/** One page of `columns` of the events `options` selects, in its order, and the next cursor. */
async function listRows<R extends Pick<EventRow, 'id' | 'received_at'>>(
  db: SqlExecutor,
  options: ListOptions,
  columns: string,
): Promise<{ rows: R[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(limits.listPage, Math.floor(options.limit) || 1));
  const desc = (options.order ?? defaults.listOrder.value) === 'desc';
  const params: unknown[] = [];
  let where = filterSql(options, params);
  if (options.after !== undefined) {
    const position = decodeCursor(options.after);
    params.push(position.receivedAt, position.id);
    where += ` AND (received_at, id) ${desc ? '<' : '>'} ($${params.length - 1}, $${params.length})`;
  }
  const direction = desc ? 'DESC' : 'ASC';
  params.push(limit + 1);
  const { rows } = await db.query<R>(
    `SELECT ${columns} FROM ${events} WHERE ${where}
     ORDER BY received_at ${direction}, id ${direction} LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ receivedAt: toDate(last.received_at), id: last.id })
        : null,
  };
}

/**
 * Counts by status. SQLite keeps them in a trigger-maintained table (0002-status-counts.sql): a
 * COUNT(*) over every event would block the event loop. PostgreSQL counts on the server; with
 * `estimateDone` (metrics scrapes) it counts only the open statuses, from a partial index, and
 * estimates `done` (see postgresCounts).
 */
export async function eventStats(
  db: SqlExecutor,
  now: Date,
  options: StatsOptions = {},
): Promise<StoreStats> {
  const counts =
    db.dialect === 'sqlite'
      ? await db.query<{ status: string; n: number | string }>(
          'SELECT status, n FROM workos_inbox_status_counts',
        )
      : await postgresCounts(db, options.estimateDone ?? false);
  const byStatus = Object.fromEntries(eventStatuses.map((s) => [s, 0])) as Record<
    EventStatus,
    number
  >;
  for (const row of counts.rows) byStatus[row.status as EventStatus] = Number(row.n);
  // Walk the due index in order and stop at the first due pending/retrying event (it skips
  // processing events, whose leases share the index).
  const oldest = await db.query<{ due: string | Date | null }>(
    `SELECT next_attempt_at AS due FROM ${events} ${dueIndex(db)}
     WHERE status IN ('pending', 'retrying', 'processing') AND next_attempt_at <= $1
       AND status <> 'processing'
     ORDER BY next_attempt_at LIMIT 1`,
    [now],
  );
  const due = oldest.rows[0]?.due ?? null;
  return {
    byStatus,
    oldestPendingAgeMs: due === null ? null : Math.max(0, now.getTime() - toDate(due).getTime()),
  };
}

/**
 * Counter rows kept by triggers would serialise every append and completion on PostgreSQL (each
 * transaction updating the same row waits for the previous one's commit). Instead: the open
 * statuses, which alerts depend on and which stay small while the worker keeps up, are counted
 * exactly from the partial index `workos_inbox_events_open_status` (0002-pruned-events.sql); the
 * `done` count, which grows without bound, is the planner's row estimate for the table
 * (`pg_class.reltuples`, refreshed by autovacuum/ANALYZE) minus the open ones. A table never
 * analyzed yet (reltuples = -1) is small: it is counted.
 */
async function postgresCounts(
  db: SqlExecutor,
  estimateDone: boolean,
): Promise<{ rows: { status: string; n: number | string }[] }> {
  if (!estimateDone) {
    return db.query(`SELECT status, COUNT(*) AS n FROM ${events} GROUP BY status`);
  }
  const { rows } = await db.query<{ status: string; n: number | string }>(
    `SELECT status, COUNT(*) AS n FROM ${events} WHERE status <> 'done' GROUP BY status
     UNION ALL
     SELECT 'total', reltuples::bigint FROM pg_class WHERE oid = '${events}'::regclass`,
  );
  const open = rows.filter((r) => r.status !== 'total');
  const total = Number(rows.find((r) => r.status === 'total')?.n ?? -1);
  if (total < 0) {
    return db.query(`SELECT status, COUNT(*) AS n FROM ${events} GROUP BY status`);
  }
  const openCount = open.reduce((sum, r) => sum + Number(r.n), 0);
  return { rows: [...open, { status: 'done', n: Math.max(0, total - openCount) }] };
}

/**
 * Due again from the start. On PostgreSQL a dsync event stored before its directory was (a done
 * event is not read by store migration 0008) gets it now, so a worker claims it with its
 * directory's events rather than as one of no directory (migration 0009).
 */
function requeue(tx: SqlExecutor): string {
  const directory =
    tx.dialect === 'postgres'
      ? `, directory_id = CASE WHEN directory_id = '' AND event LIKE 'dsync.%'
          THEN workos_inbox_directory_of(event, raw_body) ELSE directory_id END`
      : '';
  return `SET status = 'pending', attempts = 0, next_attempt_at = $1,
    lease_owner = NULL, lease_expires_at = NULL, processed_at = NULL${directory}`;
}

export async function replayEvent(tx: SqlExecutor, id: string, now: Date): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE ${events} ${requeue(tx)} WHERE id = $2 AND status <> 'processing' AND pruned_at IS NULL`,
    [now, id],
  );
  return rowCount > 0;
}

export async function redriveEvents(
  tx: SqlExecutor,
  filter: EventFilter,
  now: Date,
): Promise<number> {
  const params: unknown[] = [now];
  const where = filterSql({ ...filter, status: filter.status ?? 'dead' }, params);
  const { rowCount } = await tx.query(
    `UPDATE ${events} ${requeue(tx)} WHERE ${where} AND status <> 'processing' AND pruned_at IS NULL`,
    params,
  );
  return rowCount;
}
