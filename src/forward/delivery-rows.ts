import { toDate, toDateOrNull } from '../store/event-rows.js';
import type {
  ClaimedDelivery,
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
} from './delivery-types.js';

export const deliveries = 'workos_inbox_deliveries';
export const deliveryAttempts = 'workos_inbox_delivery_attempts';
export const destinations = 'workos_inbox_destinations';
export const destinationFilters = 'workos_inbox_destination_filters';

/** A row of `workos_inbox_deliveries` as either driver returns it. */
export interface DeliveryRow {
  event_id: string;
  destination: string;
  status: string;
  attempts: number | string;
  next_attempt_at: string | Date | null;
  lease_owner: string | null;
  queued_at: string | Date;
  event_created_at: string;
  ordering_key: string | null;
  last_status_code: number | string | null;
  last_error: string | null;
  delivered_at: string | Date | null;
  /** The latest attempt (store migration 0007); null when none started since a release/redrive. */
  attempt_worker: string | null;
  attempt_started_at: string | Date | null;
  attempt_finished_at: string | Date | null;
  attempt_outcome: string | null;
}

export interface DeliveryAttemptRow {
  event_id: string;
  destination: string;
  attempt: number | string;
  worker: string;
  started_at: string | Date;
  finished_at: string | Date | null;
  status_code: number | string | null;
  outcome: string | null;
  error: string | null;
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    eventId: row.event_id,
    destination: row.destination,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: toDateOrNull(row.next_attempt_at),
    leaseOwner: row.lease_owner,
    queuedAt: toDate(row.queued_at),
    eventCreatedAt: row.event_created_at,
    orderingKey: row.ordering_key,
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    deliveredAt: toDateOrNull(row.delivered_at),
  };
}

/** A claim's row (its id and attempt number) with the event's name and body. */
export function toClaimedDelivery(
  destination: string,
  row: { event_id: string; attempts: number | string },
  body: { event: string; raw_body: Buffer | Uint8Array },
): ClaimedDelivery {
  const bytes = body.raw_body;
  return {
    eventId: row.event_id,
    destination,
    attempts: Number(row.attempts),
    event: body.event,
    rawBody: Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

/**
 * The delivery's latest attempt, which its row holds (the attempt log holds the earlier ones):
 * in flight while `finished_at` is null, else with the row's last status code and error.
 */
export function currentAttempt(row: DeliveryRow): DeliveryAttempt | null {
  if (row.attempt_started_at === null || row.attempt_worker === null) return null;
  const finished = row.attempt_finished_at !== null;
  return toDeliveryAttempt({
    event_id: row.event_id,
    destination: row.destination,
    attempt: row.attempts,
    worker: row.attempt_worker,
    started_at: row.attempt_started_at,
    finished_at: row.attempt_finished_at,
    status_code: finished ? row.last_status_code : null,
    outcome: row.attempt_outcome,
    error: finished ? row.last_error : null,
  });
}

export function toDeliveryAttempt(row: DeliveryAttemptRow): DeliveryAttempt {
  return {
    eventId: row.event_id,
    destination: row.destination,
    attempt: Number(row.attempt),
    worker: row.worker,
    startedAt: toDate(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    outcome: row.outcome as DeliveryAttempt['outcome'],
    error: row.error,
  };
}
