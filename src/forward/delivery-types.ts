export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'retrying' | 'dead';
export const deliveryStatuses: readonly DeliveryStatus[] = [
  'pending',
  'delivering',
  'delivered',
  'retrying',
  'dead',
];

/**
 * What a redrive queues again. Not `delivering` (in flight: its attempt's outcome is on its way)
 * nor `delivered` (done: its event's payload may already be pruned, and it was accepted once).
 */
export type RedrivableStatus = 'pending' | 'retrying' | 'dead';
export const redrivableStatuses: readonly RedrivableStatus[] = ['pending', 'retrying', 'dead'];
/** The redrivable statuses as the help and the errors say them. */
export const redrivableStatusesText = 'pending, retrying or dead';

export function isRedrivableStatus(value: string): value is RedrivableStatus {
  return (redrivableStatuses as readonly string[]).includes(value);
}

/** One event's delivery to one destination. */
export interface Delivery {
  eventId: string;
  destination: string;
  status: DeliveryStatus;
  /** Attempts started so far (a claim starts one). */
  attempts: number;
  /** Next attempt (pending/retrying), lease expiry (delivering), null when finished. */
  nextAttemptAt: Date | null;
  leaseOwner: string | null;
  /** When the event was received (and the delivery queued, in the same transaction). */
  queuedAt: Date;
  /** The event's own `created_at`. */
  eventCreatedAt: string;
  orderingKey: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

/**
 * A claimed delivery: what its attempt needs, no more (the claim returns these columns only; the
 * rest of the row is `delivering`, leased to the claimer until the lease's end).
 */
export interface ClaimedDelivery {
  eventId: string;
  destination: string;
  /** This attempt's number: 1 for the first. */
  attempts: number;
  /** The event's name. */
  event: string;
  /** The body as received, sent byte for byte. */
  rawBody: Buffer;
}

export type DeliveryOutcome =
  'delivered' | 'retrying' | 'dead' | 'paused' | 'lease_lost' | 'released';

export interface DeliveryAttempt {
  eventId: string;
  destination: string;
  attempt: number;
  worker: string;
  startedAt: Date;
  finishedAt: Date | null;
  statusCode: number | null;
  outcome: DeliveryOutcome | null;
  error: string | null;
}

/** A destination as the database knows it (what the trigger reads). */
export interface DestinationRecord {
  name: string;
  events: string[];
  ordered: boolean;
  pausedAt: Date | null;
  pausedReason: string | null;
}

/** Per destination: deliveries not yet delivered, by status, and the oldest one's age. */
export interface DestinationStats {
  destination: string;
  byStatus: Record<Exclude<DeliveryStatus, 'delivered'>, number>;
  /** Age of the oldest pending or retrying delivery, in ms; null when none. */
  oldestPendingAgeMs: number | null;
}
