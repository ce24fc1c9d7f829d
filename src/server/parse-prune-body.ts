import { InvalidPruneOptionsError } from '../store/prune-events.js';
import type { PruneOptions } from '../store/types.js';
import { parseDurationMs } from './parse-duration.js';
import { parseJsonObjectBody, refuseUnknown } from './request-fields.js';

/** `POST /inbox/prune`'s JSON body → PruneOptions; InvalidPruneOptionsError (400) naming the field. */
export function parsePruneBody(text: string, now: Date): PruneOptions {
  const fields = parseJsonObjectBody(text, '{"olderThan": "30d"}', pruneError);
  refuseUnknown(
    Object.keys(fields),
    ['olderThan', 'includeDead', 'batchSize', 'budgetMs'],
    pruneError,
  );
  const olderThanMs =
    typeof fields.olderThan === 'string' ? parseDurationMs(fields.olderThan) : undefined;
  if (olderThanMs === undefined) {
    throw new InvalidPruneOptionsError(
      fields.olderThan === undefined
        ? 'olderThan is required: a duration such as "30d", "12h" or "90m"'
        : `olderThan must be a duration such as "30d", "12h" or "90m", got ${JSON.stringify(fields.olderThan)}`,
      'olderThan',
    );
  }
  if (fields.includeDead !== undefined && typeof fields.includeDead !== 'boolean') {
    throw new InvalidPruneOptionsError('includeDead must be true or false', 'includeDead');
  }
  const options: PruneOptions = {
    receivedBefore: new Date(now.getTime() - olderThanMs),
    now,
    includeDead: fields.includeDead === true,
  };
  for (const key of ['batchSize', 'budgetMs'] as const) {
    const value = fields[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new InvalidPruneOptionsError(`${key} must be a whole number`, key);
    }
    options[key] = value;
  }
  return options;
}

const pruneError = (message: string, field: string) => new InvalidPruneOptionsError(message, field);
