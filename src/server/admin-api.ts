import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { eventDeliveries } from '../forward/delivery-queries.js';
import { toEventDeliveryJson } from '../forward/delivery-json.js';
import { handleForwardAdminRequest } from '../forward/forward-admin-api.js';
import type { Store } from '../store/types.js';
import { toEventDetailJson, toEventSummaryJson } from './event-json.js';
import { FilterError, parseEventFilter } from './event-filter.js';
import { readSmallBody } from './read-small-body.js';
import { sendJson } from './send.js';

const maxPageSize = 1000;

/**
 * The admin API under /inbox (the caller has already checked the bearer token):
 * - `GET /inbox/events?status=&event=&since=&limit=&after=&order=` → `{ data, list_metadata: { after } }`
 * - `GET /inbox/events/:id` → the event with its payload and attempts
 * - `POST /inbox/events/:id/replay` → queue it again
 * - `POST /inbox/redrive?event=` (or a JSON body `{ "event": … }`) → queue dead events again
 * - `GET /inbox/stats` → counts by status and the oldest due event's age
 */
export async function handleAdminRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: Store,
  clock: Clock,
): Promise<void> {
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const method = req.method ?? 'GET';
  const notFound = () => sendJson(res, 404, { code: 'not_found', message: 'Not Found' });
  const wrongMethod = (allow: string) =>
    sendJson(res, 405, { code: 'method_not_allowed', message: `Use ${allow}` }, { allow });
  try {
    if (parts.length === 2 && parts[1] === 'events') {
      if (method !== 'GET') return wrongMethod('GET');
      const q = url.searchParams;
      const filter = parseEventFilter(
        {
          status: q.get('status') ?? undefined,
          event: q.get('event') ?? undefined,
          since: q.get('since') ?? undefined,
        },
        new Date(clock.now()),
      );
      const limitRaw = q.get('limit') ?? '50';
      const limit = Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
        throw new FilterError(`limit must be a whole number from 1 to ${maxPageSize}`);
      }
      const order = q.get('order') ?? 'desc';
      if (order !== 'asc' && order !== 'desc') throw new FilterError('order must be asc or desc');
      const after = q.get('after') ?? undefined;
      const page = await store.list({ ...filter, limit, order, ...(after ? { after } : {}) });
      return sendJson(res, 200, {
        data: page.events.map(toEventSummaryJson),
        list_metadata: { after: page.nextCursor },
      });
    }
    if (parts.length === 3 && parts[1] === 'events') {
      if (method !== 'GET') return wrongMethod('GET');
      const id = decodeURIComponent(parts[2] ?? '');
      const event = await store.get(id);
      if (!event) return notFound();
      const deliveries = await store.read((db) => eventDeliveries(db, id));
      return sendJson(res, 200, {
        ...toEventDetailJson(event, await store.attempts(id)),
        deliveries: deliveries.map(toEventDeliveryJson),
      });
    }
    if (parts.length === 4 && parts[1] === 'events' && parts[3] === 'replay') {
      if (method !== 'POST') return wrongMethod('POST');
      const id = decodeURIComponent(parts[2] ?? '');
      if (await store.replay(id, new Date(clock.now()))) {
        return sendJson(res, 200, { id, replayed: true });
      }
      const event = await store.get(id);
      if (!event) return notFound();
      return sendJson(res, 409, {
        code: 'event_processing',
        message: `Event ${id} is being processed right now; replay it once its attempt ends`,
      });
    }
    if (parts.length === 2 && parts[1] === 'redrive') {
      if (method !== 'POST') return wrongMethod('POST');
      const body = await readSmallBody(req);
      const fromBody = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
      const pick = (key: string): string | undefined => {
        const value = fromBody[key] ?? url.searchParams.get(key) ?? undefined;
        return typeof value === 'string' ? value : undefined;
      };
      const filter = parseEventFilter({
        status: pick('status') ?? 'dead',
        event: pick('event'),
        since: pick('since'),
      });
      const count = await store.redrive(filter, new Date(clock.now()));
      return sendJson(res, 200, { redriven: count });
    }
    if (parts.length === 2 && parts[1] === 'stats') {
      if (method !== 'GET') return wrongMethod('GET');
      const stats = await store.stats(new Date(clock.now()));
      return sendJson(res, 200, stats);
    }
    if (await handleForwardAdminRequest(req, res, url, store, clock)) return;
    return notFound();
  } catch (error) {
    if (error instanceof FilterError || error instanceof SyntaxError) {
      return sendJson(res, 400, { code: 'invalid_request', message: error.message });
    }
    throw error;
  }
}
