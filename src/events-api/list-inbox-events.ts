import type { SqlExecutor } from '../store/sql-executor.js';
import type { WireEventList } from '../workos-api/event-list.js';
import { eventTimeMs } from '../workos-api/event-time.js';
import { EventsQueryError } from './events-query.js';
import type { EventsQuery } from './events-query.js';
import { organizationOfEvent } from './organization-of-event.js';

/** Rows read per scan step while filters that live inside the body (organization, range) skip some. */
const scanBatch = 500;

const events = 'workos_inbox_events';

/**
 * How much earlier than its `created_at` (WorkOS's clock) an event may have been received (our
 * clock, `received_at`). None, in truth: an event is received after it happened; this allows for
 * clocks that disagree, far beyond what webhook signatures tolerate (3 minutes). So no row
 * received before `range_start` minus this can match `range_start`: the scan starts there (asc)
 * or stops there (desc) instead of reading the whole inbox. `range_end` gives no such bound (an
 * old event may be received, pulled, at any later time), so with it a scan still reads on to the
 * end of the inbox when a page does not fill.
 */
export const receivedBeforeCreatedMaxMs = 24 * 60 * 60 * 1000;

interface Row {
  id: string;
  event: string;
  created_at: string;
  raw_body: Uint8Array;
}

/**
 * The inbox's events as WorkOS's `GET /events` answers them, in the order the inbox received
 * them: `(received_at, id)`, the `workos_inbox_events_received` index (with event names, the
 * `(event, received_at, id)` one). Not by id: the puller stores events OLDER than ones webhooks
 * stored before them, and a client paging by id would already have passed those ids and never
 * see them. In arrival order an event joins at the end, so a cursor sees every event once (but
 * for one gap: the place is taken when the event is received, not when it commits; an event
 * received before a row a client has listed and committed after it would land behind that
 * cursor: see `heldBackFrom` below).
 *
 * `after` is an event id, as on WorkOS: its position is that row's `(received_at, id)`, looked up
 * by the statement itself (a scalar subquery on the primary key), and each further scan step
 * starts after the last row read the same way. An id the inbox does not hold has no position:
 * it is refused ({@link EventsQueryError}, answered 422 like the other bad parameters) rather
 * than answered from a guessed one.
 * Pruned events (their payload gone) are left out, as WorkOS leaves out events older than it
 * keeps; a pruned event's id still works as a cursor (its row, and so its place, stays).
 * Event names filter in SQL; `organization_id` (the event's organization by
 * {@link organizationOfEvent}, which can sit in several places in the body) and the time range
 * are read from each stored body (they are not columns), scanning on in batches until the page is
 * full. `range_start` also bounds `received_at` in SQL (see {@link receivedBeforeCreatedMaxMs}).
 *
 * The gap above is closed as WorkOS closes it on its own Events API: an ascending read lists only
 * events received before `heldBackFrom` (the caller passes now minus
 * `defaults.eventsApiHoldBackMs`), so the newest events, whose transactions may still be open
 * beside an older-stamped one, wait a few seconds before a cursor can reach them. A descending
 * read walks away from the newest events, where nothing can land behind it, and lists everything.
 */
export async function listInboxEvents(
  db: SqlExecutor,
  query: EventsQuery,
  heldBackFrom?: Date,
): Promise<WireEventList> {
  const data: WireEventList['data'] = [];
  const desc = query.order === 'desc';
  const direction = desc ? 'DESC' : 'ASC';
  let position = query.after;
  let more = false;
  scan: for (;;) {
    const params: unknown[] = [];
    // A pruned event's payload is gone (retention): WorkOS no longer lists an event past its own.
    const where: string[] = ['pruned_at IS NULL'];
    if (position !== undefined) {
      params.push(position);
      const id = `$${params.length}`;
      const place = `((SELECT received_at FROM ${events} WHERE id = ${id}), ${id})`;
      where.push(`(received_at, id) ${desc ? '<' : '>'} ${place}`);
    }
    if (!desc && heldBackFrom !== undefined) {
      params.push(heldBackFrom);
      where.push(`received_at < $${params.length}`);
    }
    const receivedFrom = earliestReceived(query);
    if (receivedFrom !== undefined) {
      params.push(receivedFrom);
      where.push(`received_at >= $${params.length}`);
    }
    if (query.events.length > 0) {
      const marks = query.events.map((name) => (params.push(name), `$${params.length}`));
      where.push(`event IN (${marks.join(', ')})`);
    }
    params.push(scanBatch);
    const { rows } = await db.query<Row>(
      `SELECT id, event, created_at, raw_body FROM ${events}
       WHERE ${where.join(' AND ')}
       ORDER BY received_at ${direction}, id ${direction} LIMIT $${params.length}`,
      params,
    );
    if (rows.length === 0 && position !== undefined && position === query.after) {
      await checkKnown(db, position);
    }
    for (const row of rows) {
      position = row.id;
      const at = eventTimeMs(row.created_at);
      if (query.rangeStartMs !== undefined && !(at >= query.rangeStartMs)) continue;
      if (query.rangeEndMs !== undefined && !(at < query.rangeEndMs)) continue;
      const body = JSON.parse(Buffer.from(row.raw_body).toString('utf8')) as {
        data?: Record<string, unknown>;
        context?: Record<string, unknown>;
      };
      const payload = body.data ?? {};
      if (
        query.organizationId !== undefined &&
        organizationOfEvent(row.event, payload) !== query.organizationId
      ) {
        continue;
      }
      if (data.length === query.limit) {
        more = true;
        break scan;
      }
      data.push({
        object: 'event',
        id: row.id,
        event: row.event,
        data: payload,
        created_at: row.created_at,
        ...(body.context ? { context: body.context } : {}),
      });
    }
    if (rows.length < scanBatch) break;
  }
  return {
    object: 'list',
    data,
    list_metadata: { after: more ? data[data.length - 1]!.id : null },
  };
}

/** The earliest `received_at` of a row that can match `range_start` (none without one). */
function earliestReceived(query: EventsQuery): Date | undefined {
  if (query.rangeStartMs === undefined) return undefined;
  const from = new Date(query.rangeStartMs - receivedBeforeCreatedMaxMs);
  return Number.isNaN(from.getTime()) ? undefined : from;
}

/**
 * An `after` that selected nothing: nothing follows it, or the inbox has no such event (whose
 * position, NULL, compares with nothing). Only the second is an error.
 */
async function checkKnown(db: SqlExecutor, after: string): Promise<void> {
  const { rows } = await db.query(`SELECT 1 AS known FROM ${events} WHERE id = $1`, [after]);
  if (rows.length === 0) {
    throw new EventsQueryError(
      'after',
      `no event ${after} in this inbox (a cursor is the id of an event it listed)`,
    );
  }
}
