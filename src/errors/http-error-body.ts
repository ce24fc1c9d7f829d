/**
 * The body of every error answer this package sends over HTTP (receiver, admin API, mirror read
 * API, `serve`'s own routes): `{ error, code, message }`, plus fields that locate the problem
 * (`field`, `limitBytes`, WorkOS's `errors` and `entity_id`). `error` is the kind of failure
 * (by default named after the status: `bad_request`, `not_found` …; the receiver names its own,
 * such as `invalid_signature`), `code` the precise stable string from docs/errors.md, `message` a
 * sentence for a human.
 */
export interface HttpErrorBody {
  error: string;
  code: string;
  message: string;
  [extra: string]: unknown;
}

const kindByStatus: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  431: 'headers_too_large',
  500: 'internal_error',
  503: 'service_unavailable',
};

/** The default `error` of `status`. */
export function errorKind(status: number): string {
  return kindByStatus[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/** What {@link httpErrorBody} needs; anything else is copied into the body. */
export interface HttpErrorInput {
  status: number;
  code: string;
  message: string;
  /** The kind of failure; defaults to {@link errorKind} of the status. */
  error?: string | undefined;
  [extra: string]: unknown;
}

/** Build an error body. The extra fields come first, so they never override the common three. */
export function httpErrorBody(input: HttpErrorInput): HttpErrorBody {
  const { status, code, message, error, ...extra } = input;
  return { error: error ?? errorKind(status), code, message, ...withoutCommon(extra) };
}

function withoutCommon(extra: Record<string, unknown>): Record<string, unknown> {
  const { error: _e, code: _c, message: _m, ...rest } = extra;
  return rest;
}

/**
 * Statuses on which `@workos-inc/node` 11 takes a body with `error` for an OAuth error (it raises
 * `OauthException` instead of `GenericServerException` / `BadRequestException`). On 401, 404,
 * 409, 422 and 429 it reads `code` and `message` and ignores `error`.
 */
function sdkReadsErrorAsOauth(status: number): boolean {
  return ![401, 404, 409, 422, 429].includes(status);
}

/**
 * The error body of a WorkOS-compatible answer (the mirror read API): WorkOS's fields (`message`,
 * `code`, and `errors` / `entity_id` as extras) and ours; `error` is left out on the statuses
 * where the SDK would misread it, so the SDK raises the same exception class as against WorkOS.
 */
export function workosErrorBody(input: HttpErrorInput): Record<string, unknown> {
  const body: Record<string, unknown> = httpErrorBody(input);
  if (sdkReadsErrorAsOauth(input.status)) delete body.error;
  return body;
}

/**
 * A WorkOS-compatible route's answer to a parameter it cannot take: 422 with WorkOS's
 * `invalid_request_parameters` body (`errors: [{ field, code }]`), on which the official SDK raises
 * `UnprocessableEntityException` as it does against WorkOS. `problem` is a sentence naming the
 * field; the SDK shows each `errors[].code` in its message, so it carries the sentence too.
 */
export function invalidParameterAnswer(
  field: string,
  problem: string,
): { status: 422; body: Record<string, unknown> } {
  return {
    status: 422,
    body: workosErrorBody({
      status: 422,
      code: 'invalid_request_parameters',
      message: `Validation failed: ${problem}`,
      errors: [{ field, code: problem }],
      field,
    }),
  };
}
