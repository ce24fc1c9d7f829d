import type { AttemptRecord, EventSource, EventStatus, StoredEvent } from './types.js';

/** A row of `workos_inbox_events` as either driver returns it. */
export interface EventRow {
  id: string;
  event: string;
  created_at: string;
  received_at: string | Date;
  raw_body: Buffer | Uint8Array;
  source: string;
  status: string;
  attempts: number | string;
  next_attempt_at: string | Date | null;
  lease_owner: string | null;
  lease_expires_at: string | Date | null;
  last_error: string | null;
  processed_at: string | Date | null;
  pruned_at: string | Date | null;
}

export interface AttemptRow {
  event_id: string;
  attempt: number | string;
  worker: string;
  started_at: string | Date;
  finished_at: string | Date | null;
  outcome: string | null;
  error: string | null;
}

/** SQLite stores ISO-8601 text, PostgreSQL returns Date: accept both. */
export function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toDateOrNull(value: string | Date | null): Date | null {
  return value === null ? null : toDate(value);
}

function toBuffer(value: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    event: row.event,
    createdAt: row.created_at,
    receivedAt: toDate(row.received_at),
    rawBody: toBuffer(row.raw_body),
    source: row.source as EventSource,
    status: row.status as EventStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: toDateOrNull(row.next_attempt_at),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: toDateOrNull(row.lease_expires_at),
    lastError: row.last_error,
    processedAt: toDateOrNull(row.processed_at),
    prunedAt: toDateOrNull(row.pruned_at ?? null),
  };
}

export function toAttemptRecord(row: AttemptRow): AttemptRecord {
  return {
    eventId: row.event_id,
    attempt: Number(row.attempt),
    worker: row.worker,
    startedAt: toDate(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    outcome: row.outcome as AttemptRecord['outcome'],
    error: row.error,
  };
}

/** `$3, $4, $5` for values appended to `params` (which it extends). */
export function placeholders(params: unknown[], values: readonly unknown[]): string {
  return values
    .map((value) => {
      params.push(value);
      return `$${params.length}`;
    })
    .join(', ');
}
