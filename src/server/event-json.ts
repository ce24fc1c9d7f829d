import type { AttemptRecord, StoredEvent } from '../store/types.js';

/** One inbox row as the admin API and `events list --json` show it. */
export interface EventSummaryJson {
  id: string;
  event: string;
  status: StoredEvent['status'];
  attempts: number;
  source: StoredEvent['source'];
  createdAt: string;
  receivedAt: string;
  nextAttemptAt: string | null;
  processedAt: string | null;
  lastError: string | null;
}

export interface AttemptJson {
  attempt: number;
  worker: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: AttemptRecord['outcome'];
  error: string | null;
}

/** One event in full: the summary, the payload as received and every attempt. */
export interface EventDetailJson extends EventSummaryJson {
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  /** The body parsed as JSON; the raw text when it is not JSON; null once pruned. */
  payload: unknown;
  /** When retention deleted the payload and attempts (ISO-8601); null if it did not. */
  prunedAt: string | null;
  attemptLog: AttemptJson[];
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toEventSummaryJson(event: StoredEvent): EventSummaryJson {
  return {
    id: event.id,
    event: event.event,
    status: event.status,
    attempts: event.attempts,
    source: event.source,
    createdAt: event.createdAt,
    receivedAt: event.receivedAt.toISOString(),
    nextAttemptAt: iso(event.nextAttemptAt),
    processedAt: iso(event.processedAt),
    lastError: event.lastError,
  };
}

export function toEventDetailJson(
  event: StoredEvent,
  attempts: readonly AttemptRecord[],
): EventDetailJson {
  const text = Buffer.from(event.rawBody).toString('utf8');
  let payload: unknown = null;
  if (!event.prunedAt) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
  }
  return {
    ...toEventSummaryJson(event),
    leaseOwner: event.leaseOwner,
    leaseExpiresAt: iso(event.leaseExpiresAt),
    payload,
    prunedAt: iso(event.prunedAt),
    // Numbered by position in the event's whole history: the stored counter restarts at 1 on a
    // replay (it is the retry budget's), which would read 1, 2, 3, 1.
    attemptLog: attempts.map((a, i) => ({
      attempt: i + 1,
      worker: a.worker,
      startedAt: a.startedAt.toISOString(),
      finishedAt: iso(a.finishedAt),
      outcome: a.outcome,
      error: a.error,
    })),
  };
}
