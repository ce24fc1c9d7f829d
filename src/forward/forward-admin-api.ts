import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { readSmallBody } from '../server/read-small-body.js';
import { sendJson } from '../server/send.js';
import type { Store } from '../store/types.js';
import { resumeDestination } from './delivery-operations.js';
import { toDeliveryJson, toDestinationJson } from './delivery-json.js';
import {
  deliveryStats,
  InvalidDeliveryCursorError,
  listDeliveries,
  readDestinations,
  redriveDeliveries,
} from './delivery-queries.js';
import { deliveryStatuses } from './delivery-types.js';
import type { DeliveryStatus } from './delivery-types.js';

/** Bad input to a deliveries route; the message names the field. */
export class DeliveryRequestError extends Error {
  override readonly name = 'DeliveryRequestError';
  readonly code = 'invalid_request';
}

function status(value: string | undefined, field = 'status'): DeliveryStatus | undefined {
  if (value === undefined) return undefined;
  if (!(deliveryStatuses as readonly string[]).includes(value)) {
    throw new DeliveryRequestError(`${field} must be one of ${deliveryStatuses.join(', ')}`);
  }
  return value as DeliveryStatus;
}

/** Every destination the database knows or has deliveries for, with its queue. */
export async function destinationsReport(store: Store, now: Date) {
  return store.read(async (db) => {
    const records = await readDestinations(db);
    const stats = await deliveryStats(
      db,
      now,
      records.map((r) => r.name),
    );
    return stats.map((s) =>
      toDestinationJson(
        records.find((r) => r.name === s.destination),
        s,
      ),
    );
  });
}

/**
 * The forwarding routes under /inbox (the bearer token is already checked). Answers `true` when
 * the path was one of them:
 * - `GET /inbox/deliveries?destination=&status=&event_id=&limit=&after=`
 * - `POST /inbox/deliveries/redrive` (`destination`, `status` as query or JSON body)
 * - `GET /inbox/destinations`, `POST /inbox/destinations/:name/resume`
 */
export async function handleForwardAdminRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: Store,
  clock: Clock,
): Promise<boolean> {
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const method = req.method ?? 'GET';
  const wrongMethod = (allow: string) =>
    sendJson(res, 405, { code: 'method_not_allowed', message: `Use ${allow}` }, { allow });
  const now = () => new Date(clock.now());
  try {
    if (parts.length === 2 && parts[1] === 'deliveries') {
      if (method !== 'GET') return (wrongMethod('GET'), true);
      const q = url.searchParams;
      const limitRaw = q.get('limit') ?? '50';
      const limit = Number(limitRaw);
      if (!/^\d+$/.test(limitRaw) || limit < 1 || limit > 1000) {
        throw new DeliveryRequestError('limit must be a whole number from 1 to 1000');
      }
      const page = await store.read((db) =>
        listDeliveries(db, {
          limit,
          ...(q.get('destination') !== null ? { destination: q.get('destination')! } : {}),
          ...(q.get('event_id') !== null ? { eventId: q.get('event_id')! } : {}),
          ...(q.get('status') !== null ? { status: status(q.get('status')!) } : {}),
          ...(q.get('after') !== null ? { after: q.get('after')! } : {}),
        }),
      );
      sendJson(res, 200, {
        data: page.deliveries.map(toDeliveryJson),
        list_metadata: { after: page.nextCursor },
      });
      return true;
    }
    if (parts.length === 3 && parts[1] === 'deliveries' && parts[2] === 'redrive') {
      if (method !== 'POST') return (wrongMethod('POST'), true);
      const body = await readSmallBody(req);
      const parsed: unknown = body === '' ? {} : JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new DeliveryRequestError('the body must be a JSON object');
      }
      const pick = (key: string): string | undefined => {
        const value =
          (parsed as Record<string, unknown>)[key] ?? url.searchParams.get(key) ?? undefined;
        if (value !== undefined && typeof value !== 'string') {
          throw new DeliveryRequestError(`${key} must be a string`);
        }
        return value;
      };
      const destination = pick('destination');
      const wanted = status(pick('status')) ?? 'dead';
      if (wanted === 'delivering') {
        throw new DeliveryRequestError('status must not be delivering (those are in flight)');
      }
      const count = await store.writeTransaction((tx) =>
        redriveDeliveries(tx, { ...(destination ? { destination } : {}), status: wanted }, now()),
      );
      sendJson(res, 200, { redriven: count });
      return true;
    }
    if (parts.length === 2 && parts[1] === 'destinations') {
      if (method !== 'GET') return (wrongMethod('GET'), true);
      sendJson(res, 200, { data: await destinationsReport(store, now()) });
      return true;
    }
    if (parts.length === 4 && parts[1] === 'destinations' && parts[3] === 'resume') {
      if (method !== 'POST') return (wrongMethod('POST'), true);
      const name = decodeURIComponent(parts[2] ?? '');
      const resumed = await store.writeTransaction((tx) => resumeDestination(tx, name, now()));
      if (!resumed) {
        sendJson(res, 404, { code: 'not_found', message: `No destination named ${name}` });
      } else {
        sendJson(res, 200, { name, resumed: true });
      }
      return true;
    }
    return false;
  } catch (error) {
    if (
      error instanceof DeliveryRequestError ||
      error instanceof InvalidDeliveryCursorError ||
      error instanceof SyntaxError
    ) {
      sendJson(res, 400, { code: 'invalid_request', message: error.message });
      return true;
    }
    throw error;
  }
}
