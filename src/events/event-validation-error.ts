import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/**
 * Why an event failed validation. Stable strings: use them in logs, metrics and HTTP bodies.
 * - `not_json_object`: the body is not a JSON object (an array, a string, `null` …).
 * - `invalid_envelope`: `id`, `event`, `created_at` or `data` is missing or has the wrong type
 *   (the inbox's receiver also: an empty `id` or `event`, a `created_at` that is not a timestamp).
 * - `invalid_data`: `data` does not have the shape WorkOS documents for the event's name.
 * - `unknown_event`: the name is not one this package knows (only with `knownNamesOnly`).
 */
export const eventValidationErrorCodes = [
  'not_json_object',
  'invalid_envelope',
  'invalid_data',
  'unknown_event',
] as const;

export type EventValidationErrorCode = (typeof eventValidationErrorCodes)[number];

/** One field that failed: `path` is dotted from the envelope root (`data.sso.connection_id`). */
export interface EventFieldIssue {
  /** Dotted path from the envelope root, `[n]` for array items, e.g. `data.domains[0].id`. */
  path: string;
  /** What the field should have been, e.g. `string`, `string | null`, `one of 'active', 'inactive'`. */
  expected: string;
  /** What was found: `undefined` when missing, else the JSON type (`number`, `null`, `array` …). */
  received: string;
}

/** Thrown by `checkEnvelope` and `validateEvent`. The message names every bad field. */
export class EventValidationError extends WorkosInboxError {
  override readonly name = 'EventValidationError';
  readonly code: EventValidationErrorCode;
  /** Every failing field, in the order they were found (at least one). */
  readonly issues: readonly EventFieldIssue[];

  constructor(
    code: EventValidationErrorCode,
    issues: readonly EventFieldIssue[],
    options?: ErrorOptions,
  ) {
    super(describeIssues(issues), options);
    this.code = code;
    this.issues = issues;
  }

  /** The first failing field's path, e.g. `data.email`. */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }
}

function describeIssues(issues: readonly EventFieldIssue[]): string {
  const shown = issues
    .slice(0, 5)
    .map((i) => `${i.path || '(root)'}: expected ${i.expected}, received ${i.received}`);
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return `Invalid WorkOS event: ${shown.join('; ')}${more}`;
}

/** The JSON type name of a value, for error messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
