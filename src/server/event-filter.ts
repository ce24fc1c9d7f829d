import { sinceMs, sinceRefusal } from '../pull/parse-since.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { eventStatuses } from '../store/types.js';
import type { EventFilter, EventStatus } from '../store/types.js';

/** A filter value the user typed is not valid; `field` names the query parameter or flag. */
export class FilterError extends WorkosInboxError {
  override readonly name = 'FilterError';
  override readonly code = 'invalid_filter';
  readonly field: string;

  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

/**
 * `error` as the CLI says it, naming the flag: `--since: must be …` where the HTTP API names the
 * query parameter (`"since" must be …`).
 */
export function filterFlagMessage(error: FilterError): string {
  const named = `"${error.field}" `;
  const message = error.message.startsWith(named)
    ? error.message.slice(named.length)
    : error.message;
  return `--${error.field}: ${message}`;
}

/**
 * A redrive's filter: events being processed are never redriven (a worker holds them; those of a
 * worker that died come back after its lease), so a `status` that asks for them is refused rather
 * than answered "0 redriven", which read as "none is stuck".
 */
export function checkRedriveFilter(filter: EventFilter): EventFilter {
  if (filter.status !== undefined && [filter.status].flat().includes('processing')) {
    throw new FilterError(
      '"status" processing cannot be redriven: a worker holds those events, and gives them back ' +
        'if it stops; those of a worker that died are retried once its lease (--lease-ms) ' +
        'expires. Redrive pending, retrying, done or dead ones',
      'status',
    );
  }
  return filter;
}

/**
 * Parse `status` (comma-separated), `event` and `since` as typed in a query string or a flag.
 * `statuses`: the ones accepted, and offered when another is typed (`events redrive`: not
 * `processing`).
 */
export function parseEventFilter(
  input: {
    status?: string | undefined;
    event?: string | undefined;
    since?: string | undefined;
  },
  now: Date = new Date(),
  statuses: readonly EventStatus[] = eventStatuses,
): EventFilter {
  const filter: EventFilter = {};
  if (input.status !== undefined && input.status !== '') {
    const typed = input.status.split(',').map((s) => s.trim());
    for (const s of typed) {
      if (!(statuses as readonly string[]).includes(s)) {
        throw new FilterError(`unknown status "${s}"; use one of ${statuses.join(', ')}`, 'status');
      }
    }
    filter.status = typed.length === 1 ? (typed[0] as EventStatus) : (typed as EventStatus[]);
  }
  if (input.event !== undefined && input.event !== '') filter.event = input.event;
  if (input.since !== undefined && input.since !== '') filter.since = parseSince(input.since, now);
  return filter;
}

/** An ISO date, or a duration back from now such as `15m`, `2h`, `7d` (read as `--since` is). */
export function parseSince(value: string, now: Date): Date {
  const ms = sinceMs(value, now.getTime());
  if (ms === undefined) {
    throw new FilterError(`"since" must be ${sinceRefusal(value)}; got "${value}"`, 'since');
  }
  return new Date(ms);
}
