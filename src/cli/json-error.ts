import type { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { WorkosApiUnavailableError } from '../workos-api/workos-api-errors.js';
import { CliError } from './exit-codes.js';
import type { RetryAfter } from './exit-codes.js';

/** The `error` object of `pull --json` and `reconcile --json` when the command fails. */
export interface JsonError extends Partial<RetryAfter> {
  code: string;
  message: string;
}

/** The wait `error` names, when it is WorkOS asking (`Retry-After`) longer than the client waits. */
export function retryAfterOf(error: unknown): RetryAfter | undefined {
  if (!(error instanceof WorkosApiUnavailableError) || error.retryAfterMs === undefined) {
    return undefined;
  }
  return {
    retryAfterMs: error.retryAfterMs,
    ...(error.retryAt !== undefined && { retryAt: error.retryAt }),
  };
}

/**
 * `error` for `--json`: its code and message and, when WorkOS asked to wait longer than the client
 * waits, `retryAfterMs` and `retryAt`, so a script can schedule the next run without parsing the
 * message.
 */
export function jsonError(error: WorkosInboxError): JsonError {
  const retry = error instanceof CliError ? error.retryAfter : retryAfterOf(error);
  return { code: error.code, message: error.message, ...retry };
}
