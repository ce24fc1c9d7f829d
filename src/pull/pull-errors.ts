import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/**
 * WorkOS refused the stored cursor (events older than its retention, 30 days per its reference,
 * are gone). The message says how to start over.
 */
export class PullCursorRejectedError extends WorkosInboxError {
  override readonly name = 'PullCursorRejectedError';
  readonly code = 'pull_cursor_rejected';
}
