import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/**
 * A request to WorkOS's REST API failed. `status` is the HTTP status (undefined when no answer
 * came: a timeout or a refused connection). Subclasses name the usual ways out.
 */
export class WorkosApiError extends WorkosInboxError {
  override readonly name: string = 'WorkosApiError';
  readonly code: string = 'workos_api_error';
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** 401 or 403: the API key is missing, wrong, or lacks the permission. */
export class WorkosApiAuthError extends WorkosApiError {
  override readonly name = 'WorkosApiAuthError';
  override readonly code = 'workos_api_unauthorized';
}

/** 404: the path or object does not exist (or the base URL is wrong). */
export class WorkosApiNotFoundError extends WorkosApiError {
  override readonly name = 'WorkosApiNotFoundError';
  override readonly code = 'workos_api_not_found';
}

/** What WorkOS's error body said, as sent: its `code`, its `message`, the fields it names. */
export interface WorkosErrorDetails {
  workosCode?: string | undefined;
  workosMessage?: string | undefined;
  /** `errors[].field` and `field`: the parameters WorkOS named. */
  fields?: readonly string[];
}

/**
 * 400 or 422: WorkOS rejected a parameter; its message is kept, and what its body says apart, so
 * a caller can tell which parameter (the puller: whether it is the cursor).
 */
export class WorkosApiRequestError extends WorkosApiError {
  override readonly name = 'WorkosApiRequestError';
  override readonly code = 'workos_api_bad_request';
  readonly workosCode: string | undefined;
  readonly workosMessage: string | undefined;
  readonly fields: readonly string[];

  constructor(
    message: string,
    status: number | undefined,
    details: WorkosErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, status, options);
    this.workosCode = details.workosCode;
    this.workosMessage = details.workosMessage;
    this.fields = details.fields ?? [];
  }
}

/**
 * 429 / 5xx / no answer, still failing after every retry; or a `Retry-After` longer than the
 * client waits (`retryMaxMs`), not retried at all.
 */
export class WorkosApiUnavailableError extends WorkosApiError {
  override readonly name = 'WorkosApiUnavailableError';
  override readonly code = 'workos_api_unavailable';
  /** The wait WorkOS asked for (`Retry-After`, in ms) when it is why the request was given up. */
  readonly retryAfterMs: number | undefined;
  /** With `retryAfterMs`: the time (ISO 8601) to ask again after, the one the message names. */
  readonly retryAt: string | undefined;

  constructor(
    message: string,
    status: number | undefined,
    options?: { cause?: unknown; retryAfterMs?: number; retryAt?: string },
  ) {
    super(message, status, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.retryAt = options?.retryAt;
  }
}

/**
 * `error` when it is the client giving up at once on a `Retry-After` longer than it waits itself
 * (it carries the wait asked for, `retryAfterMs`), else undefined. Whoever asks WorkOS again on its
 * own (`serve --pull`, `--reconcile-every`, `listen`) asks nothing more until that long after it
 * caught the error, by its own clock.
 */
export function retryAfterAsked(
  error: unknown,
): (WorkosApiUnavailableError & { retryAfterMs: number }) | undefined {
  return error instanceof WorkosApiUnavailableError && error.retryAfterMs !== undefined
    ? (error as WorkosApiUnavailableError & { retryAfterMs: number })
    : undefined;
}
