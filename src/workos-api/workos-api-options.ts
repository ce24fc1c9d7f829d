import type { Clock } from '../clock.js';
import { defaults } from '../defaults.js';

/** The default base URL of WorkOS's REST API. */
export const defaultWorkosApiUrl = defaults.apiUrl.value;

/** Options of {@link WorkosApiClient}. The defaults are those of {@link defaults}. */
export interface WorkosApiOptions {
  /** `sk_…`; sent as `Authorization: Bearer`. Flag `--api-key`, env `WORKOS_API_KEY`. */
  apiKey: string;
  /** Flag `--api-url`, env `WORKOS_API_URL`. @defaultValue `defaults.apiUrl.value` */
  apiUrl?: string | undefined;
  /** Give up on one request (answer included) after this long. @defaultValue `defaults.apiTimeoutMs.value` */
  timeoutMs?: number;
  /** Retries after a 429, a 5xx, no answer or one cut off (so at most `maxRetries + 1` requests). @defaultValue `defaults.apiMaxRetries.value` */
  maxRetries?: number;
  /** First backoff; doubles per retry, with jitter. @defaultValue `defaults.apiRetryBaseMs.value` */
  retryBaseMs?: number;
  /**
   * Longest wait between two attempts, `Retry-After` included. A longer `Retry-After` is not
   * waited out: the call rejects at once with {@link WorkosApiUnavailableError} naming the wait
   * (its `retryAfterMs`). @defaultValue `defaults.apiRetryMaxMs.value`
   */
  retryMaxMs?: number;
  /**
   * Stops the client: the request in progress and the wait before a retry end at once, and the
   * call rejects with the signal's reason (e.g. Ctrl-C during an outage does not wait out the
   * retries). Neither counted in `onError` nor retried.
   */
  signal?: AbortSignal;
  /** For tests: time, the wait between retries (told `signal`, to end early), and the jitter. */
  clock?: Clock;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Another fetch (tests, proxies). @defaultValue globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Told about each retry (for logs and metrics). */
  onRetry?: (info: { attempt: number; status: number | undefined; delayMs: number }) => void;
  /** Told about each failed answer, retried or not (for metrics: errors by status). */
  onError?: (status: number | undefined) => void;
}

/** The API key and URL from flags, else the environment; undefined key when neither has one. */
export function workosApiSettings(
  flags: { apiKey?: string; apiUrl?: string },
  env: NodeJS.ProcessEnv = process.env,
): { apiKey: string | undefined; apiUrl: string } {
  return {
    apiKey: flags.apiKey ?? (env[defaults.apiKey.env] || undefined),
    apiUrl: flags.apiUrl ?? (env[defaults.apiUrl.env] || defaultWorkosApiUrl),
  };
}
