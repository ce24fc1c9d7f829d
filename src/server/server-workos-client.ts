import type { Logger } from 'pino';
import { abortableSleep } from '../workos-api/abortable-sleep.js';
import { WorkosApiClient } from '../workos-api/workos-api-client.js';

/**
 * The WorkOS client of `--pull` and `--reconcile-every`: each retry (a 429, a 5xx, no answer) is
 * a warning on `logger` naming what failed, the attempt and the wait, so a loop riding out a
 * WorkOS hiccup says so instead of going quiet for minutes. `signal` (aborted on shutdown) ends
 * the request in flight and the wait before a retry at once. Each failed request is counted
 * (`onError`), by both alike.
 */
export function serverWorkosApiClient(
  settings: { apiKey: string; apiUrl: string; apiTimeoutMs: number },
  options: {
    logger: Logger;
    signal: AbortSignal;
    /** Each failed answer, retried or not: the job's `*_api_errors_total{status}`. */
    onError: (status: number | undefined) => void;
  },
): WorkosApiClient {
  const { logger, signal, onError } = options;
  return new WorkosApiClient({
    apiKey: settings.apiKey,
    apiUrl: settings.apiUrl,
    timeoutMs: settings.apiTimeoutMs,
    onError,
    onRetry: ({ message, status, attempt, maxRetries, delayMs }) =>
      logger.warn(
        { status, attempt, maxRetries, delayMs },
        `${message}; retrying in ${delayMs} ms`,
      ),
    sleep: abortableSleep(signal),
    signal,
  });
}
