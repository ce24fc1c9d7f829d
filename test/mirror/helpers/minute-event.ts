import type { WireEvent } from '../../../src/events/index.js';

let seq = 0;

/**
 * An event at minute `minute` of a fixed hour (2026-03-01T10:MM:00.000Z); ids increase with
 * creation order (`event_MM_NNNN`), so ties on `created_at` break by creation.
 */
export function minuteEvent(
  event: string,
  minute: number,
  data: Record<string, unknown>,
  id?: string,
): WireEvent {
  const mm = String(minute).padStart(2, '0');
  return {
    id: id ?? `event_${mm}_${String(++seq).padStart(4, '0')}`,
    event,
    created_at: `2026-03-01T10:${mm}:00.000Z`,
    data,
  } as WireEvent;
}
