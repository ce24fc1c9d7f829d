import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { BodyTooLargeError, readSmallBody } from '../server/read-small-body.js';
import { sendError, sendJson } from '../server/send.js';
import type { Store } from '../store/types.js';
import { removeDestination, resumeDestination } from './delivery-operations.js';
import { toDeliveryJson, toDestinationJson } from './delivery-json.js';
import {
  checkDeliveryExists,
  checkKnownDestination,
  DeliveryEventPrunedError,
  DeliveryNotFoundError,
  deliveryStats,
  InvalidDeliveryCursorError,
  listDeliveries,
  readDestinations,
  redriveDeliveries,
  UnknownDestinationError,
} from './delivery-queries.js';
import type { RedriveFilter } from './delivery-queries.js';
import { deliveryStatuses, isRedrivableStatus, redrivableStatusesText } from './delivery-types.js';
import type { DeliveryStatus, DestinationStats, RedrivableStatus } from './delivery-types.js';
import { defaults } from '../defaults.js';
import { limits } from '../limits.js';
import { parseJsonObjectBody, refuseUnknown } from '../server/request-fields.js';

/** Bad input to a deliveries route; `field` names it. */
/** The query parameters of `GET /inbox/deliveries`. */
const deliveryListParams = ['limit', 'destination', 'event_id', 'status', 'after'] as const;

export class DeliveryRequestError extends WorkosInboxError {
  override readonly name = 'DeliveryRequestError';
  readonly code = 'invalid_request';

  constructor(
    message: string,
    /** The query or body field at fault. */
    readonly field: string,
  ) {
    super(message);
  }
}

function status(value: string | undefined, field = 'status'): DeliveryStatus | undefined {
  if (value === undefined) return undefined;
  if (!(deliveryStatuses as readonly string[]).includes(value)) {
    throw new DeliveryRequestError(`${field} must be one of ${deliveryStatuses.join(', ')}`, field);
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

/** What `deliveries remove` (and its route) did, and what is left of the destination. */
export interface RemovedDestination {
  name: string;
  /** False when it was not configured (removed already): nothing changed. */
  removed: boolean;
  /** Its deliveries not delivered, by status: kept, listed and redrivable. */
  unfinished: DestinationStats['byStatus'];
}

/**
 * Take `name` out of the configuration, so new events queue no delivery for it. Throws
 * UnknownDestinationError when neither the configuration nor any delivery knows the name.
 */
export async function removeDestinationAndCount(
  store: Store,
  name: string,
  now: Date,
): Promise<RemovedDestination> {
  const removed = await store.writeTransaction(async (tx) => {
    await checkKnownDestination(tx, name);
    return removeDestination(tx, name);
  });
  const stats = await store.read((db) => deliveryStats(db, now, [name]));
  return { name, removed, unfinished: stats.find((s) => s.destination === name)!.byStatus };
}

/**
 * `deliveries redrive` (and its route): queue the matching deliveries again, due now, and wake the
 * forwarders that send them (`wakeIf`: this process's at once, on PostgreSQL every process's; on
 * SQLite a forwarder in another process finds them at its idle poll). A `destination` nothing
 * knows throws UnknownDestinationError and redrives nothing; an event id with no delivery (to that
 * destination), DeliveryNotFoundError; a delivered delivery whose event was pruned,
 * DeliveryEventPrunedError. Returns how many (0 when its deliveries have another status).
 */
export function redriveAndWake(store: Store, filter: RedriveFilter, now: Date): Promise<number> {
  return store.writeTransaction(
    async (tx) => {
      if (filter.destination !== undefined) await checkKnownDestination(tx, filter.destination);
      const count = await redriveDeliveries(tx, filter, now);
      // An event id names deliveries: none at all is a wrong id, not "none of them was dead".
      if (count === 0 && filter.eventId !== undefined) {
        await checkDeliveryExists(tx, filter.eventId, filter.destination);
      }
      return count;
    },
    { wakeIf: (count) => count > 0 },
  );
}

/**
 * `deliveries resume` (and its route): lift `name`'s pause (its deliveries due at once) and wake
 * the forwarders, as `redriveAndWake` does. A name nothing knows throws UnknownDestinationError;
 * `not_configured` for one known only by its deliveries (dropped from the configuration, so never
 * paused now: `notResumableMessage`); `not_paused` when there was no pause to lift (its waiting
 * deliveries are still made due at once, as after a pause).
 */
export function resumeAndWake(
  store: Store,
  name: string,
  now: Date,
): Promise<'resumed' | 'not_paused' | 'not_configured'> {
  return store.writeTransaction(
    async (tx) => {
      await checkKnownDestination(tx, name);
      const [configured] = (await readDestinations(tx)).filter((d) => d.name === name);
      if (!configured || !(await resumeDestination(tx, name, now))) return 'not_configured';
      return configured.pausedAt === null ? 'not_paused' : 'resumed';
    },
    { wakeIf: (outcome) => outcome !== 'not_configured' },
  );
}

/** Why `resumeAndWake` answered `false` for `name`. */
export function notResumableMessage(name: string): string {
  return `${name} is no longer configured (only its deliveries are kept), so it is not paused`;
}

/**
 * The forwarding routes under /inbox (the bearer token is already checked). Answers `true` when
 * the path was one of them:
 * - `GET /inbox/deliveries?destination=&status=&event_id=&limit=&after=`
 * - `POST /inbox/deliveries/redrive` (`destination`, `status`, `event_id` as query or JSON body;
 *   `status=delivered` only with `event_id` and `destination`: one delivery sent again)
 * - `GET /inbox/destinations`, `POST /inbox/destinations/:name/resume`
 * - `POST /inbox/destinations/:name/remove` (out of the configuration; its deliveries stay)
 *
 * A destination name (`destination`, `:name`) that neither the configuration nor any delivery
 * knows answers 404 `not_found` naming the ones there are, as the CLI exits 4; so does a redrive's
 * `event_id` with no delivery (to its `destination`), `field: event_id`. A redrive or resume
 * wakes the forwarders (`redriveAndWake`).
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
    sendError(res, 405, 'method_not_allowed', `Use ${allow}`, {}, { allow });
  const now = () => new Date(clock.now());
  try {
    if (parts.length === 2 && parts[1] === 'deliveries') {
      if (method !== 'GET') return (wrongMethod('GET'), true);
      const q = url.searchParams;
      refuseUnknown(q.keys(), deliveryListParams, requestError, 'query parameter');
      const limitRaw = q.get('limit') ?? String(defaults.adminListLimit.value);
      const limit = Number(limitRaw);
      if (!/^\d+$/.test(limitRaw) || limit < 1 || limit > limits.listPage) {
        throw new DeliveryRequestError(
          `limit must be a whole number from 1 to ${limits.listPage}`,
          'limit',
        );
      }
      const destination = q.get('destination');
      const filter = {
        limit,
        ...(destination !== null ? { destination } : {}),
        ...(q.get('event_id') !== null ? { eventId: q.get('event_id')! } : {}),
        ...(q.get('status') !== null ? { status: status(q.get('status')!) } : {}),
        ...(q.get('after') !== null ? { after: q.get('after')! } : {}),
      };
      const page = await store.read(async (db) => {
        if (destination !== null) await checkKnownDestination(db, destination);
        return listDeliveries(db, filter);
      });
      sendJson(res, 200, {
        data: page.deliveries.map(toDeliveryJson),
        list_metadata: { after: page.nextCursor },
      });
      return true;
    }
    if (parts.length === 3 && parts[1] === 'deliveries' && parts[2] === 'redrive') {
      if (method !== 'POST') return (wrongMethod('POST'), true);
      const parsed = parseJsonObjectBody(
        await readSmallBody(req),
        '{"destination":"app","status":"dead"}',
        requestError,
      );
      // Anything else is refused, not dropped: dropping it would widen the redrive (a body naming
      // one event redrove the whole destination).
      refuseUnknown(
        [...Object.keys(parsed), ...url.searchParams.keys()],
        ['destination', 'status', 'event_id'],
        requestError,
      );
      const pick = (key: string): string | undefined => {
        const value =
          (parsed as Record<string, unknown>)[key] ?? url.searchParams.get(key) ?? undefined;
        if (value !== undefined && typeof value !== 'string') {
          throw new DeliveryRequestError(`${key} must be a string`, key);
        }
        return value;
      };
      const count = await redriveAndWake(
        store,
        redriveFilter(
          pick('status'),
          pick('destination') || undefined,
          pick('event_id'),
          (message, field) => {
            throw new DeliveryRequestError(message, field === 'event-id' ? 'event_id' : field);
          },
        ),
        now(),
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
      const name = decodeSegment(parts[2], 'name');
      const outcome = await resumeAndWake(store, name, now());
      if (outcome !== 'not_configured') {
        sendJson(res, 200, { name, resumed: true, wasPaused: outcome === 'resumed' });
      } else {
        sendError(res, 404, 'not_found', notResumableMessage(name), { field: 'name' });
      }
      return true;
    }
    if (parts.length === 4 && parts[1] === 'destinations' && parts[3] === 'remove') {
      if (method !== 'POST') return (wrongMethod('POST'), true);
      const name = decodeSegment(parts[2], 'name');
      sendJson(res, 200, await removeDestinationAndCount(store, name, now()));
      return true;
    }
    return false;
  } catch (error) {
    if (error instanceof UnknownDestinationError) {
      // `destination` in the query or body of the deliveries routes, `:name` in the path of the
      // destinations routes.
      const field = parts[1] === 'deliveries' ? 'destination' : 'name';
      sendError(res, 404, 'not_found', error.message, { field });
      return true;
    }
    if (error instanceof DeliveryNotFoundError) {
      sendError(res, 404, 'not_found', error.message, { field: 'event_id' });
      return true;
    }
    if (error instanceof DeliveryEventPrunedError) {
      sendError(res, 409, 'event_pruned', error.message, { field: 'event_id' });
      return true;
    }
    if (error instanceof DeliveryRequestError) {
      sendError(res, 400, 'invalid_request', error.message, { field: error.field });
      return true;
    }
    if (error instanceof InvalidDeliveryCursorError) {
      sendError(res, 400, 'invalid_request', error.message, { field: 'after' });
      return true;
    }
    if (error instanceof BodyTooLargeError) {
      sendError(res, 413, 'body_too_large', error.message, { field: 'body' });
      return true;
    }
    throw error;
  }
}

/**
 * A redrive's filter from `status` (default dead), `destination` and `event id`, as the CLI's
 * flags and the route's fields give them; `refuse(message, field)` throws for bad input (`field`
 * as the CLI names it: `status`, `destination`, `event-id`). A delivered delivery is redriven
 * only named by both its event and its destination: one delivery, never a filter's worth.
 */
export function redriveFilter(
  status: string | undefined,
  destination: string | undefined,
  eventId: string | undefined,
  refuse: (message: string, field: string) => never,
): RedriveFilter {
  const wanted = status ?? 'dead';
  if (wanted === 'delivered') {
    if (eventId === undefined || destination === undefined) {
      refuse(
        `status delivered sends one delivery again: name its event id and its destination`,
        eventId === undefined ? 'event-id' : 'destination',
      );
    }
    return { status: 'delivered', eventId: eventId!, destination: destination! };
  }
  if (!isRedrivableStatus(wanted)) {
    refuse(
      `status must be ${redrivableStatusesText} (default dead), or delivered with an event id and a destination; got ${wanted}` +
        (wanted === 'delivering' ? ' (delivering ones are in flight)' : ''),
      'status',
    );
  }
  return {
    status: wanted as RedrivableStatus,
    ...(destination !== undefined ? { destination } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
  };
}

const requestError = (message: string, field: string) => new DeliveryRequestError(message, field);

function decodeSegment(segment: string | undefined, field: string): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    throw new DeliveryRequestError(`"${segment}" has a malformed percent-escape`, field);
  }
}
