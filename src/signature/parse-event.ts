import { checkEnvelope } from '../events/index.js';
import type { WireEvent } from '../events/index.js';
import { WebhookBodyError } from './body-error.js';

/**
 * `JSON.parse` + envelope check of a verified body. Only ever called after the signature
 * matched, so a malformed body from an attacker never reaches the parser.
 *
 * @throws WebhookBodyError `invalid_json`; EventValidationError `not_json_object` / `invalid_envelope`.
 */
export function parseWireEvent(text: string): WireEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WebhookBodyError(
      'invalid_json',
      `The webhook body is correctly signed but is not JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return checkEnvelope(value);
}
