import type {
  Delivery,
  DeliveryAttempt,
  DestinationRecord,
  DestinationStats,
} from './delivery-types.js';

/** A delivery as the admin API and `deliveries list --json` print it. */
export function toDeliveryJson(d: Delivery) {
  return {
    eventId: d.eventId,
    destination: d.destination,
    status: d.status,
    attempts: d.attempts,
    queuedAt: d.queuedAt.toISOString(),
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
  };
}

export function toDeliveryAttemptJson(a: DeliveryAttempt) {
  return {
    attempt: a.attempt,
    worker: a.worker,
    startedAt: a.startedAt.toISOString(),
    finishedAt: a.finishedAt?.toISOString() ?? null,
    statusCode: a.statusCode,
    outcome: a.outcome,
    error: a.error,
  };
}

/** One event's delivery with its attempts (`events show`, `GET /inbox/events/:id`). */
export function toEventDeliveryJson(d: Delivery & { attemptLog: DeliveryAttempt[] }) {
  return { ...toDeliveryJson(d), attemptLog: d.attemptLog.map(toDeliveryAttemptJson) };
}

export function toDestinationJson(record: DestinationRecord | undefined, stats: DestinationStats) {
  return {
    name: stats.destination,
    configured: record !== undefined,
    events: record?.events ?? [],
    ordered: record?.ordered ?? false,
    pausedAt: record?.pausedAt?.toISOString() ?? null,
    pausedReason: record?.pausedReason ?? null,
    unfinished: stats.byStatus,
    oldestPendingAgeMs: stats.oldestPendingAgeMs,
  };
}
