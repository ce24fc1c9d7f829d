import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/** Stable codes of {@link MirrorEventError}. */
export const mirrorErrorCodes = ['invalid_created_at', 'invalid_event_data'] as const;
export type MirrorErrorCode = (typeof mirrorErrorCodes)[number];

/**
 * An event the mirror cannot apply because its envelope or data is malformed.
 * Thrown inside the worker's transaction, so nothing is written and the event stays in the
 * inbox (retried, then dead) where it can be inspected and replayed.
 */
export class MirrorEventError extends WorkosInboxError {
  override readonly name = 'MirrorEventError';
  readonly code: MirrorErrorCode;
  readonly eventId: string | undefined;

  constructor(code: MirrorErrorCode, message: string, eventId?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.eventId = eventId;
  }
}
