import { didYouMean } from '../errors/close-matches.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
// Reads and re-queueing of deliveries, written once for both backends over SqlExecutor.
import { placeholders } from '../store/event-rows.js';
import { toDate } from '../store/event-rows.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import {
  currentAttempt,
  deliveries,
  deliveryAttempts,
  destinationFilters,
  destinations,
  toDelivery,
  toDeliveryAttempt,
} from './delivery-rows.js';
import type { DeliveryAttemptRow, DeliveryRow } from './delivery-rows.js';
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
  DestinationRecord,
  DestinationStats,
  RedrivableStatus,
} from './delivery-types.js';
import { limits } from '../limits.js';
import { logRowAttempts, noAttempt } from './delivery-operations.js';

/** A deliveries list cursor this store did not issue. */
export class InvalidDeliveryCursorError extends WorkosInboxError {
  override readonly name = 'InvalidDeliveryCursorError';
  readonly code = 'invalid_cursor';
}

export interface DeliveryFilter {
  destination?: string;
  status?: DeliveryStatus;
  eventId?: string;
}

export interface DeliveryListOptions extends DeliveryFilter {
  /** At most this many (capped at 1000). */
  limit: number;
  /** `nextCursor` of the previous page. */
  after?: string;
}

export interface DeliveryPage {
  deliveries: Delivery[];
  nextCursor: string | null;
}

function filterSql(filter: DeliveryFilter, params: unknown[]): string {
  const where: string[] = [];
  if (filter.destination !== undefined) {
    params.push(filter.destination);
    where.push(`destination = $${params.length}`);
  }
  if (filter.status !== undefined) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  if (filter.eventId !== undefined) {
    params.push(filter.eventId);
    where.push(`event_id = $${params.length}`);
  }
  return where.length === 0 ? 'TRUE' : where.join(' AND ');
}

const newestFirst = 'ORDER BY queued_at DESC, event_id DESC, destination DESC';

/**
 * Newest first, by the time the event was received. Each filter reads an index in that order and
 * stops after the page: no filter or a destination, the received-time index (a destination's
 * rows are most of them where one is configured; on SQLite the planner otherwise read and sorted
 * every one of them); a status, per destination the status index (destination, status,
 * received time), whose newest rows of each destination are merged: the few dead deliveries
 * among millions delivered are then found without reading the others.
 */
export async function listDeliveries(
  db: SqlExecutor,
  options: DeliveryListOptions,
): Promise<DeliveryPage> {
  const limit = Math.max(1, Math.min(limits.listPage, Math.floor(options.limit) || 1));
  const params: unknown[] = [];
  const after = (): string => {
    if (options.after === undefined) return '';
    const [queuedAt, eventId, destination] = decodeCursor(options.after);
    params.push(queuedAt, eventId, destination);
    const n = params.length;
    return ` AND (queued_at, event_id, destination) < ($${n - 2}, $${n - 1}, $${n})`;
  };
  let sql: string;
  if (
    options.status !== undefined &&
    options.destination === undefined &&
    options.eventId === undefined
  ) {
    const names = await destinationsWithDeliveries(db);
    if (names.length === 0) return { deliveries: [], nextCursor: null };
    const where = filterSql(options, params) + after();
    params.push(limit + 1);
    const limitParam = `$${params.length}`;
    const newest = names.map((name, k) => {
      params.push(name);
      return `SELECT * FROM (SELECT * FROM ${deliveries}
        WHERE destination = $${params.length} AND ${where} ${newestFirst}
        LIMIT ${limitParam}) AS d${k}`;
    });
    sql = `SELECT * FROM (${newest.join(' UNION ALL ')}) AS newest ${newestFirst}
      LIMIT ${limitParam}`;
  } else {
    const byReceived =
      db.dialect === 'sqlite' && options.status === undefined && options.eventId === undefined
        ? `INDEXED BY ${deliveries}_queued`
        : '';
    const where = filterSql(options, params) + after();
    params.push(limit + 1);
    sql = `SELECT * FROM ${deliveries} ${byReceived} WHERE ${where} ${newestFirst}
      LIMIT $${params.length}`;
  }
  const { rows } = await db.query<DeliveryRow>(sql, params);
  const page = rows.slice(0, limit).map(toDelivery);
  const last = page.at(-1);
  return {
    deliveries: page,
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(
            JSON.stringify([last.queuedAt.toISOString(), last.eventId, last.destination]),
          ).toString('base64url')
        : null,
  };
}

function decodeCursor(cursor: string): [Date, string, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed.every((p) => typeof p === 'string') &&
      !Number.isNaN(new Date(parsed[0] as string).getTime())
    ) {
      return [new Date(parsed[0] as string), parsed[1] as string, parsed[2] as string];
    }
  } catch {
    // fall through
  }
  throw new InvalidDeliveryCursorError('after is not a cursor returned by the deliveries list');
}

/**
 * One event's deliveries, each with its attempts (for `events show` and the admin API): the
 * attempt log's, then the latest, which the delivery's row holds.
 */
export async function eventDeliveries(
  db: SqlExecutor,
  eventId: string,
): Promise<(Delivery & { attemptLog: DeliveryAttempt[] })[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT * FROM ${deliveries} WHERE event_id = $1 ORDER BY destination`,
    [eventId],
  );
  const { rows: attempts } = await db.query<DeliveryAttemptRow>(
    `SELECT * FROM ${deliveryAttempts} WHERE event_id = $1 ORDER BY id`,
    [eventId],
  );
  return rows.map((row) => {
    const latest = currentAttempt(row);
    return {
      ...toDelivery(row),
      attemptLog: [
        ...attempts.filter((a) => a.destination === row.destination).map(toDeliveryAttempt),
        ...(latest ? [latest] : []),
      ],
    };
  });
}

/**
 * The names of the destinations that have deliveries (configured or not: a destination dropped
 * from the configuration keeps its own), by one short index search per destination (a loose
 * index scan) instead of reading every delivery the inbox keeps. The callers then search by
 * destination and status with the names as parameters: PostgreSQL's planner, given the names as a
 * subquery, guessed a hundred of them and read the whole table.
 */
async function destinationsWithDeliveries(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.query<{ name: string | null }>(
    `WITH RECURSIVE names (name) AS (
       SELECT MIN(destination) FROM ${deliveries}
       UNION ALL
       SELECT (SELECT MIN(destination) FROM ${deliveries} WHERE destination > names.name)
       FROM names WHERE names.name IS NOT NULL
     )
     SELECT name FROM names WHERE name IS NOT NULL`,
  );
  return rows.map((r) => r.name!);
}

/**
 * Every destination name an operator can mean: the configured ones and those that still have
 * deliveries (dropped from the configuration), sorted.
 */
export async function knownDestinations(db: SqlExecutor): Promise<string[]> {
  const configured = (await readDestinations(db)).map((d) => d.name);
  const names = new Set([...configured, ...(await destinationsWithDeliveries(db))]);
  return [...names].sort();
}

/**
 * A destination name that neither the configuration nor any delivery knows (a typo would
 * otherwise list or redrive nothing, silently): the CLI exits 4 with its message, the admin API
 * answers 404.
 */
export class UnknownDestinationError extends WorkosInboxError {
  override readonly name = 'UnknownDestinationError';
  readonly code = 'not_found';

  constructor(
    /** The name asked for. */
    readonly destination: string,
    /** The names there are (`knownDestinations`). */
    readonly known: readonly string[],
  ) {
    super(
      `no destination named ${destination}` +
        (known.length === 0
          ? ': no destination is configured or has deliveries'
          : `.${didYouMean(destination, known, 3)} (destinations: ${known.join(', ')})`),
    );
  }
}

/** Throw UnknownDestinationError unless `name` is one of `knownDestinations`. */
export async function checkKnownDestination(db: SqlExecutor, name: string): Promise<void> {
  const known = await knownDestinations(db);
  if (!known.includes(name)) throw new UnknownDestinationError(name, known);
}

/**
 * A redrive's event id (with its destination, if named) that names no delivery: no such event, or
 * none of its deliveries (to that destination). A mistyped id would otherwise redrive nothing and
 * succeed ("redriven 0"): the CLI exits 4 with its message, the admin API answers 404.
 */
export class DeliveryNotFoundError extends WorkosInboxError {
  override readonly name = 'DeliveryNotFoundError';
  readonly code = 'not_found';

  constructor(
    readonly eventId: string,
    readonly destination: string | undefined,
    /** Whether the event exists. */
    eventFound: boolean,
    /** The destinations it has deliveries to. */
    has: readonly string[],
  ) {
    super(
      !eventFound
        ? `no event with id ${eventId}`
        : has.length === 0
          ? `event ${eventId} has no deliveries`
          : `event ${eventId} has no delivery to ${destination} (it has: ${has.join(', ')})`,
    );
  }
}

/** Each delivery of the event `eventId`: its destination and status, by destination. */
export async function eventDeliveryStatuses(
  db: SqlExecutor,
  eventId: string,
): Promise<{ destination: string; status: DeliveryStatus }[]> {
  const { rows } = await db.query<{ destination: string; status: DeliveryStatus }>(
    `SELECT destination, status FROM ${deliveries} WHERE event_id = $1 ORDER BY destination`,
    [eventId],
  );
  return rows;
}

/**
 * Throw DeliveryNotFoundError unless the event `eventId` has a delivery (to `destination`, if
 * given), whatever its status.
 */
export async function checkDeliveryExists(
  db: SqlExecutor,
  eventId: string,
  destination: string | undefined,
): Promise<void> {
  const has = (await eventDeliveryStatuses(db, eventId)).map((d) => d.destination);
  if (destination === undefined ? has.length > 0 : has.includes(destination)) return;
  const { rows } = await db.query(`SELECT 1 AS found FROM workos_inbox_events WHERE id = $1`, [
    eventId,
  ]);
  throw new DeliveryNotFoundError(eventId, destination, rows.length > 0, has);
}

/**
 * Redriving a delivered delivery whose event retention pruned: its payload is gone, so there is
 * nothing to send again. The CLI exits 5 with its message, the admin API answers 409.
 */
export class DeliveryEventPrunedError extends WorkosInboxError {
  override readonly name = 'DeliveryEventPrunedError';
  readonly code = 'event_pruned';

  constructor(
    readonly eventId: string,
    readonly prunedAt: Date,
  ) {
    super(
      `event ${eventId} was pruned on ${prunedAt.toISOString()}: its payload is gone, so it cannot be delivered again`,
    );
  }
}

/**
 * What a redrive selects: by status (default dead) and optionally destination and event; or one
 * delivered delivery, named by its event and destination (a destination that lost what it was
 * sent). Delivered ones only one at a time, so a mistyped filter cannot send everything again.
 */
export type RedriveFilter =
  | (Omit<DeliveryFilter, 'status'> & { status?: RedrivableStatus })
  | { status: 'delivered'; eventId: string; destination: string };

/**
 * Queue matching deliveries again (default: dead ones), due now, attempts reset, the last attempt
 * kept in the attempt log. Never in-flight ones; a delivered one only named by event and
 * destination, and only while its event keeps its payload (DeliveryEventPrunedError).
 */
export async function redriveDeliveries(
  tx: SqlExecutor,
  filter: RedriveFilter,
  now: Date,
): Promise<number> {
  if (filter.status === 'delivered') {
    // Locked against a concurrent prune (which skips locked rows); once this commits, the
    // delivery is pending and retention keeps the payload for it.
    const { rows } = await tx.query<{ pruned_at: string | Date | null }>(
      `SELECT pruned_at FROM workos_inbox_events WHERE id = $1
       ${tx.dialect === 'postgres' ? 'FOR SHARE' : ''}`,
      [filter.eventId],
    );
    const prunedAt = rows[0]?.pruned_at;
    if (prunedAt !== undefined && prunedAt !== null) {
      throw new DeliveryEventPrunedError(filter.eventId, toDate(prunedAt));
    }
  }
  // Without a destination, each destination's rows of that status are found by the status index
  // (destination, status, …), not by reading every delivery ever delivered.
  let names: string[] | undefined;
  if (filter.destination === undefined && filter.eventId === undefined) {
    names = await destinationsWithDeliveries(tx);
    if (names.length === 0) return 0;
  }
  const matching = (params: unknown[]) => {
    const where = filterSql({ ...filter, status: filter.status ?? 'dead' }, params);
    const among = names ? ` AND destination IN (${placeholders(params, names)})` : '';
    return `${where}${among} AND status <> 'delivering'`;
  };
  // Each one's last attempt goes to the log: the count starts again from the next claim.
  const logParams: unknown[] = [];
  await logRowAttempts(tx, matching(logParams), logParams);
  const params: unknown[] = [now];
  const { rowCount } = await tx.query(
    `UPDATE ${deliveries}
     SET status = 'pending', attempts = 0, next_attempt_at = $1, lease_owner = NULL,
         delivered_at = NULL, ${noAttempt}
     WHERE ${matching(params)}`,
    params,
  );
  return rowCount;
}

/** The destinations the append trigger queues deliveries for, with their filters and pause. */
export async function readDestinations(db: SqlExecutor): Promise<DestinationRecord[]> {
  const { rows } = await db.query<{
    name: string;
    ordered: boolean | number;
    paused_at: string | Date | null;
    paused_reason: string | null;
  }>(`SELECT * FROM ${destinations} ORDER BY name`);
  const { rows: filters } = await db.query<{ destination: string; pattern: string }>(
    `SELECT destination, pattern FROM ${destinationFilters} ORDER BY destination, pattern`,
  );
  return rows.map((r) => ({
    name: r.name,
    events: filters.filter((f) => f.destination === r.name).map((f) => f.pattern),
    ordered: Boolean(r.ordered),
    pausedAt: r.paused_at === null ? null : toDate(r.paused_at),
    pausedReason: r.paused_reason,
  }));
}

/**
 * Unfinished deliveries per destination (delivered ones are counted by the process's metrics, not
 * here: counting them would read every row ever delivered).
 */
export async function deliveryStats(
  db: SqlExecutor,
  now: Date,
  names: readonly string[] = [],
): Promise<DestinationStats[]> {
  // Searched by destination and status (the status index): a scrape of the metrics reads the
  // unfinished and dead deliveries, never the delivered ones, however many the inbox keeps.
  const withDeliveries = await destinationsWithDeliveries(db);
  const params: unknown[] = [];
  const among = withDeliveries.length === 0 ? `''` : placeholders(params, withDeliveries);
  const { rows } = await db.query<{ destination: string; status: string; n: number | string }>(
    `SELECT destination, status, COUNT(*) AS n FROM ${deliveries}
     WHERE destination IN (${among}) AND status IN ('pending', 'retrying', 'delivering', 'dead')
     GROUP BY destination, status`,
    params,
  );
  const { rows: oldest } = await db.query<{ destination: string; queued_at: string | Date }>(
    `SELECT destination, MIN(queued_at) AS queued_at FROM ${deliveries}
     WHERE destination IN (${among}) AND status IN ('pending', 'retrying')
     GROUP BY destination`,
    params,
  );
  const all = new Set([...names, ...rows.map((r) => r.destination)]);
  return [...all].sort().map((destination) => {
    const count = (status: string) =>
      Number(rows.find((r) => r.destination === destination && r.status === status)?.n ?? 0);
    const first = oldest.find((o) => o.destination === destination);
    return {
      destination,
      byStatus: {
        pending: count('pending'),
        delivering: count('delivering'),
        retrying: count('retrying'),
        dead: count('dead'),
      },
      oldestPendingAgeMs:
        first && first.queued_at !== null
          ? Math.max(0, now.getTime() - toDate(first.queued_at).getTime())
          : null,
    };
  });
}

/** Is `name` paused (410)? */
export async function isPaused(db: SqlExecutor, name: string): Promise<boolean> {
  const params: unknown[] = [];
  const { rows } = await db.query(
    `SELECT 1 AS paused FROM ${destinations} WHERE name IN (${placeholders(params, [name])}) AND paused_at IS NOT NULL`,
    params,
  );
  return rows.length > 0;
}
