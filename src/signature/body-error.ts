import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/**
 * Why a correctly signed body could not be used as an event. Stable strings.
 * - `invalid_json`: the body is not JSON (the SDK lets `JSON.parse`'s SyntaxError escape).
 *
 * A body that is JSON but not an event envelope throws the events module's
 * `EventValidationError` (`not_json_object`, `invalid_envelope`) instead.
 */
export const webhookBodyErrorCodes = ['invalid_json'] as const;

export type WebhookBodyErrorCode = (typeof webhookBodyErrorCodes)[number];

/** Thrown after a successful signature check when the body is not JSON. `cause` is the SyntaxError. */
export class WebhookBodyError extends WorkosInboxError {
  override readonly name = 'WebhookBodyError';
  readonly code: WebhookBodyErrorCode;

  constructor(code: WebhookBodyErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
