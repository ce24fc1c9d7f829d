import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { placeholders } from './event-rows.js';
import { eventStatuses } from './types.js';
import type { EventFilter } from './types.js';

/** A filter value is not one the store knows (a typo in a CLI flag or admin API query). */
export class InvalidFilterError extends WorkosInboxError {
  override readonly name = 'InvalidFilterError';
  readonly code = 'invalid_filter';
}

const sources = ['webhook', 'replay', 'api', 'events_api'];

/** The predicate of the status-led indexes (store migration 0006), as the query must spell it. */
const openStatusesOnly = "status <> 'done'";

/** SQL conditions (joined with AND, `TRUE` when empty) for a filter; pushes its values to `params`. */
export function filterSql(filter: EventFilter, params: unknown[]): string {
  const conditions: string[] = [];
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    for (const status of statuses) {
      if (!eventStatuses.includes(status)) {
        throw new InvalidFilterError(
          `unknown status "${String(status)}" (expected one of ${eventStatuses.join(', ')})`,
        );
      }
    }
    conditions.push(
      statuses.length === 0 ? '1 = 0' : `status IN (${placeholders(params, statuses)})`,
    );
    // The status indexes hold every status but `done` (migration 0006): the planner uses them
    // only where the WHERE clause itself says so, in these words (SQLite's planner cannot tell
    // that a bound `status IN (?)` excludes 'done').
    if (statuses.length > 0 && !statuses.includes('done')) conditions.push(openStatusesOnly);
  }
  if (filter.event !== undefined)
    conditions.push(`event = ${placeholders(params, [filter.event])}`);
  if (filter.since !== undefined) {
    if (Number.isNaN(filter.since.getTime()))
      throw new InvalidFilterError('since is not a valid date');
    conditions.push(`received_at >= ${placeholders(params, [filter.since])}`);
  }
  if (filter.source !== undefined) {
    if (!sources.includes(filter.source)) {
      throw new InvalidFilterError(
        `unknown source "${String(filter.source)}" (expected one of ${sources.join(', ')})`,
      );
    }
    conditions.push(`source = ${placeholders(params, [filter.source])}`);
  }
  return conditions.length === 0 ? '1 = 1' : conditions.join(' AND ');
}
