import { parseCreatedAt } from '../events/created-at.js';
import type { WireEvent } from '../events/index.js';
import { EventValidationError, type EventFieldIssue } from '../events/index.js';

/** How much of a bad `created_at` an answer repeats. */
const shownChars = 40;

function shown(value: string): string {
  return JSON.stringify(value.length > shownChars ? `${value.slice(0, shownChars)}…` : value);
}

/**
 * What the inbox refuses in an envelope `checkEnvelope` lets through: an empty `id` or `event`
 * (the store cannot key or route it) and a `created_at` that is not a timestamp (the mirror
 * could never apply it: it would fail every attempt until dead). `checkEnvelope` itself stays
 * as lenient as the SDK's `constructEvent`; this is the receiver's rule only.
 *
 * @throws EventValidationError `invalid_envelope`, naming every such field.
 */
export function checkReceivedEnvelope(wire: WireEvent): void {
  const issues: EventFieldIssue[] = [];
  for (const key of ['id', 'event'] as const) {
    if (wire[key] === '')
      issues.push({ path: key, expected: 'a non-empty string', received: '""' });
  }
  const createdAt = parseCreatedAt(wire.created_at);
  if (createdAt.problem !== undefined) {
    issues.push({
      path: 'created_at',
      expected: 'an ISO-8601 timestamp',
      received:
        createdAt.problem === 'is not an ISO-8601 timestamp'
          ? shown(wire.created_at)
          : `${shown(wire.created_at)}, which ${createdAt.problem}`,
    });
  }
  if (issues.length > 0) throw new EventValidationError('invalid_envelope', issues);
}
