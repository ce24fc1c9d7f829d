import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { InvalidCursorError } from '../store/list-cursor.js';
import { eventDeliveries } from '../forward/delivery-queries.js';
import { toEventDeliveryJson } from '../forward/delivery-json.js';
import { handleForwardAdminRequest } from '../forward/forward-admin-api.js';
import type { Store } from '../store/types.js';
import { toEventDetailJson, toEventSummaryJson } from './event-json.js';
import { FilterError, parseEventFilter } from './event-filter.js';
import { InvalidPruneOptionsError } from '../store/prune-events.js';
import { parsePruneBody } from './parse-prune-body.js';
import { BodyTooLargeError, readSmallBody } from './read-small-body.js';
import { parseRedriveRequest } from './redrive-request.js';
import { sendError, sendJson } from './send.js';
import { defaults } from '../defaults.js';
import { limits } from '../limits.js';
import { refuseUnknown } from './request-fields.js';

/**
 * The admin API under /inbox (the caller has already checked the bearer token):
 * - `GET /inbox/events?status=&event=&since=&limit=&after=&order=` → `{ data, list_metadata: { after } }`
 * - `GET /inbox/events/:id` → the event with its payload and attempts
 * - `POST /inbox/events/:id/replay` → queue it again
 * - `POST /inbox/redrive?event=` (or a JSON body `{ "event": … }`) → queue dead events again
 * - `GET /inbox/stats` → counts by status and the oldest due event's age
 * - `POST /inbox/prune` with `{ "olderThan": "30d", "includeDead"?, "batchSize"?, "budgetMs"? }`
 *   → `{ pruned, transactions, vacuumedPages }` (retention by hand)
 *
 * A malformed request (bad escape, filter, cursor or body) answers 400 naming the field and
 * changes nothing.
 */
/** The query parameters of `GET /inbox/events`. */
const eventListParams = ['status', 'event', 'since', 'limit', 'order', 'after'] as const;

export async function handleAdminRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: Store,
  clock: Clock,
): Promise<void> {
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const method = req.method ?? 'GET';
  const notFound = () => sendError(res, 404, 'not_found', 'Not Found');
  // As the CLI says it (exit 4): a bare "Not Found" read as a wrong route, not an unknown id.
  const noEvent = (id: string) =>
    sendError(res, 404, 'not_found', `no event with id ${id}`, { field: 'id' });
  const wrongMethod = (allow: string) =>
    sendError(res, 405, 'method_not_allowed', `Use ${allow}`, {}, { allow });
  try {
    if (parts.length === 2 && parts[1] === 'events') {
      if (method !== 'GET') return wrongMethod('GET');
      const q = url.searchParams;
      refuseUnknown(q.keys(), eventListParams, filterError, 'query parameter');
      const filter = parseEventFilter(
        {
          status: q.get('status') ?? undefined,
          event: q.get('event') ?? undefined,
          since: q.get('since') ?? undefined,
        },
        new Date(clock.now()),
      );
      const limitRaw = q.get('limit') ?? String(defaults.adminListLimit.value);
      const limit = /^\d+$/.test(limitRaw) ? Number(limitRaw) : NaN;
      if (!(limit >= 1 && limit <= limits.listPage)) {
        throw new FilterError(`limit must be a whole number from 1 to ${limits.listPage}`, 'limit');
      }
      const order = q.get('order') ?? defaults.listOrder.value;
      if (order !== 'asc' && order !== 'desc') {
        throw new FilterError('order must be asc or desc', 'order');
      }
      const after = q.get('after') ?? undefined;
      const page = await store
        .list({ ...filter, limit, order, ...(after ? { after } : {}) })
        .catch((error: unknown) => {
          if (error instanceof InvalidCursorError) {
            throw new FilterError(
              'after must be a cursor from a previous page (list_metadata.after)',
              'after',
            );
          }
          throw error;
        });
      return sendJson(res, 200, {
        data: page.events.map(toEventSummaryJson),
        list_metadata: { after: page.nextCursor },
      });
    }
    if (parts.length === 3 && parts[1] === 'events') {
      if (method !== 'GET') return wrongMethod('GET');
      const id = decodeId(parts[2]);
      const event = await store.get(id);
      if (!event) return noEvent(id);
      const deliveries = await store.read((db) => eventDeliveries(db, id));
      return sendJson(res, 200, {
        ...toEventDetailJson(event, await store.attempts(id)),
        deliveries: deliveries.map(toEventDeliveryJson),
      });
    }
    if (parts.length === 4 && parts[1] === 'events' && parts[3] === 'replay') {
      if (method !== 'POST') return wrongMethod('POST');
      const id = decodeId(parts[2]);
      if (await store.replay(id, new Date(clock.now()))) {
        return sendJson(res, 200, { id, replayed: true });
      }
      const event = await store.get(id);
      if (!event) return noEvent(id);
      if (event.prunedAt) {
        return sendError(
          res,
          409,
          'event_pruned',
          `Event ${id} was pruned by retention; its payload is gone, so it cannot be replayed`,
        );
      }
      return sendError(
        res,
        409,
        'event_processing',
        `Event ${id} is being processed right now; replay it once its attempt ends`,
      );
    }
    if (parts.length === 2 && parts[1] === 'redrive') {
      if (method !== 'POST') return wrongMethod('POST');
      const now = new Date(clock.now());
      const filter = parseRedriveRequest(await readSmallBody(req), url.searchParams, now);
      const count = await store.redrive(filter, now);
      return sendJson(res, 200, { redriven: count });
    }
    if (parts.length === 2 && parts[1] === 'prune') {
      if (method !== 'POST') return wrongMethod('POST');
      const now = new Date(clock.now());
      const options = parsePruneBody(await readSmallBody(req), now);
      return sendJson(res, 200, await store.prune(options));
    }
    if (parts.length === 2 && parts[1] === 'stats') {
      if (method !== 'GET') return wrongMethod('GET');
      refuseUnknown(url.searchParams.keys(), [], filterError, 'query parameter');
      const stats = await store.stats(new Date(clock.now()));
      return sendJson(res, 200, stats);
    }
    if (await handleForwardAdminRequest(req, res, url, store, clock)) return;
    return notFound();
  } catch (error) {
    if (error instanceof FilterError) {
      return sendError(res, 400, 'invalid_request', error.message, { field: error.field });
    }
    if (error instanceof InvalidPruneOptionsError) {
      return sendError(res, 400, 'invalid_request', error.message, { field: error.field });
    }
    if (error instanceof BodyTooLargeError) {
      return sendError(res, 413, 'body_too_large', error.message, { field: 'body' });
    }
    throw error;
  }
}

/** A path segment as an event id; a malformed percent-escape is the client's mistake. */
function decodeId(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    throw new FilterError(`the event id "${segment}" has a malformed percent-escape`, 'id');
  }
}

const filterError = (message: string, field: string) => new FilterError(message, field);
