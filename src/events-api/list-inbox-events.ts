import type { SqlExecutor } from '../store/sql-executor.js';
import type { WireEventList } from '../workos-api/event-list.js';
import { eventTimeMs } from '../workos-api/event-time.js';
import type { EventsQuery } from './events-query.js';

/** Rows read per scan step while filters that live inside the body (organization, range) skip some. */
const scanBatch = 500;

interface Row {
  id: string;
  event: string;
  created_at: string;
  raw_body: Uint8Array;
}

/**
 * The inbox's events as WorkOS's `GET /events` answers them. Ordered by id: WorkOS event ids are
 * ULIDs, so id order is the order they happened in, and `after` is a plain key range on the
 * primary key. Event names filter in SQL; `organization_id` and the time range are read from
 * each stored body (they are not columns), scanning forward in batches until the page is full.
 */
export async function listInboxEvents(db: SqlExecutor, query: EventsQuery): Promise<WireEventList> {
  const data: WireEventList['data'] = [];
  const desc = query.order === 'desc';
  let position = query.after;
  let more = false;
  scan: for (;;) {
    const params: unknown[] = [];
    const where: string[] = [];
    if (position !== undefined) {
      params.push(position);
      where.push(`id ${desc ? '<' : '>'} $${params.length}`);
    }
    if (query.events.length > 0) {
      const marks = query.events.map((name) => (params.push(name), `$${params.length}`));
      where.push(`event IN (${marks.join(', ')})`);
    }
    params.push(scanBatch);
    const { rows } = await db.query<Row>(
      `SELECT id, event, created_at, raw_body FROM workos_inbox_events
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
      params,
    );
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
      if (query.organizationId !== undefined && payload.organization_id !== query.organizationId) {
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
