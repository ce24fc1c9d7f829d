import type { NewEvent } from '../types.js';
import { toPgValue } from './postgres-executor.js';

/**
 * Insert the events given as six arrays (`$1`–`$6`, see {@link eventArrays}), a known id writing
 * nothing, returning the new ids: one fixed statement text whatever the number of events, so a
 * connection prepares it once. For a `WITH inserted AS (…)` of the append and the page append.
 */
export const insertEventArrays = `INSERT INTO workos_inbox_events
      (id, event, created_at, received_at, raw_body, source, next_attempt_at, status, attempts)
    SELECT id, event, created_at, received_at, raw_body, source, received_at, 'pending', 0
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bytea[], $6::text[])
      AS batch (id, event, created_at, received_at, raw_body, source)
    ON CONFLICT (id) DO NOTHING
    RETURNING id`;

/** The parameters `$1`–`$6` of {@link insertEventArrays}. */
export function eventArrays(events: readonly NewEvent[]): unknown[] {
  return [
    events.map((e) => e.id),
    events.map((e) => e.event),
    events.map((e) => e.createdAt),
    events.map((e) => e.receivedAt),
    events.map((e) => toPgValue(e.rawBody)),
    events.map((e) => e.source),
  ];
}
