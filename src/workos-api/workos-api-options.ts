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
  /** Told about each retry (for logs and metrics): `message` says what failed. */
  onRetry?: (info: {
    attempt: number;
    maxRetries: number;
    status: number | undefined;
    delayMs: number;
    message: string;
  }) => void;
  /** Told about each failed answer, retried or not (for metrics: errors by status). */
  onError?: (status: number | undefined) => void;
}

/**
 * What is wrong with an API key once trimmed (see {@link trimmedApiKey}), or undefined. A space
 * or line break inside it (a file of two lines, a key pasted twice) cannot be sent in a header:
 * said here, without the key, rather than taken for an unreachable server and retried.
 */
export function apiKeyProblem(apiKey: string): string | undefined {
  const at = apiKey.search(/[^\x21-\x7e]/);
  if (at === -1) return undefined;
  const what = /\s/.test(apiKey[at]!)
    ? 'a space or line break'
    : 'a character that is not plain ASCII';
  return `the WorkOS API key has ${what} inside it (character ${at + 1} of ${apiKey.length}): expected one sk_… key on one line; check WORKOS_API_KEY (or --api-key)`;
}

/**
 * The key without the spaces and line breaks around it (a key read from a file, or an env file's
 * `KEY=sk_… ` line, often ends with one); undefined when nothing is left.
 */
export function trimmedApiKey(apiKey: string | undefined): string | undefined {
  return apiKey?.trim() || undefined;
}

/** The API key and URL from flags, else the environment; undefined key when neither has one. */
export function workosApiSettings(
  flags: { apiKey?: string; apiUrl?: string },
  env: NodeJS.ProcessEnv = process.env,
): { apiKey: string | undefined; apiUrl: string } {
  return {
    apiKey: trimmedApiKey(flags.apiKey ?? env[defaults.apiKey.env]),
    apiUrl: flags.apiUrl ?? (env[defaults.apiUrl.env] || defaultWorkosApiUrl),
  };
}
