import { EventValidationError, typeName } from './event-validation-error.js';
import type { EventFieldIssue } from './event-validation-error.js';
import type { WireEvent } from './event-types.js';

/**
 * Checks that a parsed body is a WorkOS event envelope: an object with string `id`, `event`
 * and `created_at` and an object `data`. Runs on every delivery, so it only looks at those
 * four keys: no allocation on success, and nothing else is rejected (`context`, `object` and
 * any field WorkOS adds later pass through untouched).
 *
 * The name itself is not checked: an unknown name passes (see `isKnownEventName`).
 *
 * @throws EventValidationError with code `not_json_object` or `invalid_envelope`.
 */
export function checkEnvelope(value: unknown): WireEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventValidationError('not_json_object', [
      { path: '', expected: 'object', received: typeName(value) },
    ]);
  }
  const v = value as Record<string, unknown>;
  if (
    typeof v.id === 'string' &&
    typeof v.event === 'string' &&
    typeof v.created_at === 'string' &&
    typeof v.data === 'object' &&
    v.data !== null &&
    !Array.isArray(v.data)
  ) {
    return value as WireEvent;
  }
  throw new EventValidationError('invalid_envelope', envelopeIssues(v));
}

function envelopeIssues(v: Record<string, unknown>): EventFieldIssue[] {
  const issues: EventFieldIssue[] = [];
  for (const key of ['id', 'event', 'created_at'] as const) {
    if (typeof v[key] !== 'string') {
      issues.push({ path: key, expected: 'string', received: typeName(v[key]) });
    }
  }
  const data = v.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    issues.push({ path: 'data', expected: 'object', received: typeName(data) });
  }
  return issues;
}
