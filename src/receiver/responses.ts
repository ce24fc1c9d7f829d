import { httpErrorBody } from '../errors/http-error-body.js';
import type { HttpErrorInput } from '../errors/http-error-body.js';
import { signatureErrorCodes } from '../signature/errors.js';

/** What the receiver answers: an HTTP status, headers and a JSON body. Adapters send it as is. */
export interface ReceiverResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/**
 * Why a request was not acknowledged. Stable strings: they appear in response bodies, logs and the
 * `workos_inbox_requests_rejected_total{reason}` metric.
 */
export const rejectionReasons = [
  'method_not_allowed',
  'body_too_large',
  ...signatureErrorCodes,
  'invalid_json',
  'invalid_envelope',
  'store_unavailable',
  'shutting_down',
  'body_unavailable',
] as const;

export type RejectionReason = (typeof rejectionReasons)[number];

/**
 * The `error` (kind) of the receiver's answers that it names itself rather than after the status
 * (405 `method_not_allowed`, 413 `payload_too_large`, 500 `internal_error`). Stable strings:
 * docs/errors.md lists them; a test keeps the two equal.
 */
export const receiverErrorKinds = [
  'missing_signature',
  'invalid_signature',
  'invalid_body',
  'raw_body_unavailable',
  'store_unavailable',
  'shutting_down',
] as const;

export type ReceiverErrorKind = (typeof receiverErrorKinds)[number];

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' } as const;

/** Build a JSON response; header names are lowercase. */
export function jsonResponse(
  status: number,
  body: Record<string, unknown>,
  extraHeaders: Record<string, string> = {},
): ReceiverResponse {
  return { status, headers: { ...jsonHeaders, ...extraHeaders }, body: JSON.stringify(body) };
}

/** An error answer in the one error body shape, `{ error, code, message, ...extra }`. */
export function errorResponse(
  input: HttpErrorInput,
  extraHeaders: Record<string, string> = {},
): ReceiverResponse {
  return jsonResponse(input.status, httpErrorBody(input), extraHeaders);
}

// Preserialized: the acknowledgement is on the hot path of every request.
const acceptedBody = '{"status":"accepted"}';
const duplicateBody = '{"status":"duplicate"}';

export function acceptedResponse(duplicate: boolean): ReceiverResponse {
  return {
    status: 200,
    headers: { ...jsonHeaders },
    body: duplicate ? duplicateBody : acceptedBody,
  };
}

/** `retryAfterSeconds` as HTTP's Retry-After, a whole number of seconds, 0 or more. */
export function retryAfterHeader(retryAfterSeconds: number): string {
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
    throw new RangeError(
      `retryAfterSeconds must be a whole number of seconds, 0 or more, got ${String(retryAfterSeconds)}`,
    );
  }
  return String(retryAfterSeconds);
}

/** The answer while the database cannot store a webhook: WorkOS retries after `retryAfter` s. */
export function storeUnavailableResponse(retryAfter: string): ReceiverResponse {
  return errorResponse(
    {
      status: 503,
      error: 'store_unavailable' satisfies ReceiverErrorKind,
      code: 'store_unavailable',
      message: 'The event could not be stored; retry later.',
    },
    { 'retry-after': retryAfter },
  );
}
