import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import type { NewEvent } from './types.js';

/** An event handed to `append` that cannot be stored as given (a caller bug, not bad input). */
export class InvalidEventError extends WorkosInboxError {
  override readonly name = 'InvalidEventError';
  readonly code = 'invalid_event';
}

const sources = new Set(['webhook', 'replay', 'api', 'events_api']);

/** Check the shape before it reaches the database, so the error names the field. */
export function validateNewEvent(event: NewEvent): void {
  const problems: string[] = [];
  if (typeof event.id !== 'string' || event.id.length === 0)
    problems.push('id must be a non-empty string');
  if (typeof event.event !== 'string' || event.event.length === 0)
    problems.push('event must be a non-empty string');
  if (typeof event.createdAt !== 'string') problems.push('createdAt must be a string');
  if (!(event.rawBody instanceof Uint8Array)) problems.push('rawBody must be a Uint8Array');
  if (!sources.has(event.source))
    problems.push('source must be webhook, replay, api or events_api');
  if (!(event.receivedAt instanceof Date) || Number.isNaN(event.receivedAt.getTime())) {
    problems.push('receivedAt must be a valid Date');
  }
  if (problems.length > 0)
    throw new InvalidEventError(`cannot append event: ${problems.join('; ')}`);
}
