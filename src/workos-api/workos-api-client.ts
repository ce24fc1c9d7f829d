import { defaults } from '../defaults.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { checkEventList, listEventsQuery } from './event-list.js';
import type { ListEventsParams, WireEventList } from './event-list.js';
import { listElementRanges } from './list-element-ranges.js';
import { backoffMs, retryAfterMs } from './retry-delay.js';
import { abortableSleep } from './abortable-sleep.js';
import {
  WorkosApiAuthError,
  WorkosApiError,
  WorkosApiNotFoundError,
  WorkosApiRequestError,
  WorkosApiUnavailableError,
} from './workos-api-errors.js';
import type { WorkosErrorDetails } from './workos-api-errors.js';
import { apiKeyProblem, defaultWorkosApiUrl, trimmedApiKey } from './workos-api-options.js';
import type { WorkosApiOptions } from './workos-api-options.js';
import { packageVersion } from '../version.js';

/** `workos-inbox/<version> node/<version>`: WorkOS support can tell our requests apart. */
export const userAgent = `workos-inbox/${packageVersion} node/${process.versions.node}`;

/** Waits `ms`, or less when `signal` aborts (its timer is cleared: nothing keeps a process up). */
const realSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  signal ? abortableSleep(signal)(ms) : new Promise((resolve) => setTimeout(resolve, ms));
const utf8 = new TextDecoder();
const slowHint =
  'if WorkOS is slow rather than unreachable, allow it longer: WORKOS_API_TIMEOUT_MS (or --api-timeout-ms, the timeoutMs option)';
const unreachableHint =
  'check the network (a proxy, a firewall, DNS) and WORKOS_API_URL (or --api-url)';

/** A page of `GET /events` with each event's JSON exactly as WorkOS sent it. */
export interface EventPageAsSent {
  list: WireEventList;
  /** `bodies[i]` is `list.data[i]`'s bytes in the answer (a view of it, not a copy). */
  bodies: Buffer[];
}

/** One failed attempt: retry it (429, 5xx, no answer) or not. */
interface AttemptFailure {
  retry: boolean;
  status: number | undefined;
  retryAfterMs: number | undefined;
  error: WorkosApiError;
  /** What the user can do when it keeps happening (no answer in time, none at all). */
  hint?: string;
}

/**
 * A small client for WorkOS's REST API: JSON in its wire form (snake_case, as WorkOS sends it),
 * a timeout per request, retries with backoff on 429 / 5xx / no answer honouring `Retry-After`,
 * and one error class per way out.
 */
export class WorkosApiClient {
  readonly apiUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly clock: Clock;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly signal: AbortSignal | undefined;
  private readonly random: () => number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: WorkosApiOptions) {
    const apiKey = trimmedApiKey(options.apiKey);
    if (!apiKey) {
      throw new WorkosApiAuthError(
        'no WorkOS API key: pass apiKey, an sk_… key from the WorkOS dashboard (the CLI reads --api-key or WORKOS_API_KEY)',
        undefined,
      );
    }
    const problem = apiKeyProblem(apiKey);
    if (problem) throw new WorkosApiAuthError(problem, undefined);
    this.apiKey = apiKey;
    this.apiUrl = (options.apiUrl ?? defaultWorkosApiUrl).replace(/\/+$/, '');
    // Refused now, not retried as an unreachable server six times with backoff.
    if (!/^https?:\/\/[^/]/i.test(this.apiUrl) || !URL.canParse(this.apiUrl)) {
      throw new TypeError(`apiUrl "${options.apiUrl}": expected an http(s):// URL`);
    }
    this.timeoutMs = options.timeoutMs ?? defaults.apiTimeoutMs.value;
    this.maxRetries = options.maxRetries ?? defaults.apiMaxRetries.value;
    this.retryBaseMs = options.retryBaseMs ?? defaults.apiRetryBaseMs.value;
    this.retryMaxMs = options.retryMaxMs ?? defaults.apiRetryMaxMs.value;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.signal = options.signal;
  }

  /** `GET /events`: one page of events, as sent. */
  async listEvents(params: ListEventsParams): Promise<WireEventList> {
    return checkedEventList((await this.getAnswer(eventsPath(params))).body);
  }

  /**
   * `GET /events`, and each event's own bytes in the answer: what the puller stores, so a pulled
   * event's raw body is WorkOS's JSON, not a re-serialization (and costs no copy to get).
   */
  async listEventsAsSent(params: ListEventsParams): Promise<EventPageAsSent> {
    const { body, bytes } = await this.getAnswer(eventsPath(params));
    const list = checkedEventList(body);
    const ranges = listElementRanges(bytes);
    const bodies =
      ranges?.length === list.data.length
        ? ranges.map(([start, end]) =>
            Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start),
          )
        : // Not reached with a well-formed answer; kept so a surprise costs speed, not events.
          list.data.map((event) => Buffer.from(JSON.stringify(event)));
    return { list, bodies };
  }

  /** GET `path` (with its query) and parse the JSON answer, retrying as the options say. */
  async get(path: string): Promise<unknown> {
    return (await this.getAnswer(path)).body;
  }

  /** {@link get}, with the answer's bytes. */
  private async getAnswer(path: string): Promise<{ body: unknown; bytes: Uint8Array }> {
    for (let attempt = 1; ; attempt++) {
      this.signal?.throwIfAborted();
      const outcome = await this.attempt(path);
      if (!('error' in outcome)) return outcome;
      this.signal?.throwIfAborted();
      this.options.onError?.(outcome.status);
      if (!outcome.retry) throw outcome.error;
      // Asked to wait longer than this client ever waits: retrying sooner would only be refused
      // again, and waiting it out would stall the caller (a pull, a reconcile) silently for as
      // long as WorkOS says. Fail now, naming the wait and when to try again.
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > this.retryMaxMs) {
        const until = new Date(this.clock.now() + outcome.retryAfterMs).toISOString();
        throw new WorkosApiUnavailableError(
          `${outcome.error.message}: its Retry-After asks to wait ${seconds(outcome.retryAfterMs)}, longer than the ${seconds(this.retryMaxMs)} this client waits at most, so it was not retried; try again after ${until}`,
          outcome.status,
          { cause: outcome.error, retryAfterMs: outcome.retryAfterMs, retryAt: until },
        );
      }
      if (attempt > this.maxRetries) {
        throw new WorkosApiUnavailableError(
          `${outcome.error.message} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})${outcome.hint ? `; ${outcome.hint}` : ''}`,
          outcome.status,
          { cause: outcome.error },
        );
      }
      const delayMs = Math.min(
        this.retryMaxMs,
        outcome.retryAfterMs ??
          backoffMs(attempt, this.retryBaseMs, this.retryMaxMs, this.random()),
      );
      this.options.onRetry?.({
        attempt,
        maxRetries: this.maxRetries,
        status: outcome.status,
        delayMs,
        message: outcome.error.message,
      });
      await this.sleep(delayMs, this.signal);
    }
  }

  private async attempt(
    path: string,
  ): Promise<{ body: unknown; bytes: Uint8Array } | AttemptFailure> {
    const url = `${this.apiUrl}${path}`;
    // The whole path requested, the API URL's own included (`--api-url http://host/v1` asks for
    // `/v1/events`): a 404 must name what was not found, not the part this client appended.
    const what = `GET ${new URL(url).pathname}`;
    const abort = new AbortController();
    const stop = () => abort.abort();
    const timer = setTimeout(stop, this.timeoutMs);
    this.signal?.addEventListener('abort', stop, { once: true });
    try {
      let response: Response;
      try {
        response = await this.fetch(url, {
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            accept: 'application/json',
            'user-agent': userAgent,
          },
          signal: abort.signal,
        });
      } catch (cause) {
        const timedOut = abort.signal.aborted;
        const reason = timedOut
          ? `no answer within ${this.timeoutMs} ms`
          : `cannot reach ${this.apiUrl} (${causeMessage(cause)})`;
        return {
          ...failure(true, undefined, undefined, `${what}: ${reason}`, cause),
          hint: timedOut ? slowHint : unreachableHint,
        };
      }
      // As response.text() does, keeping the bytes for listEventsAsSent. The body is part of the
      // attempt: a timeout or a reset after the headers is retried like no answer at all.
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (cause) {
        const timedOut = abort.signal.aborted;
        const reason = timedOut
          ? `the answer's body did not arrive within ${this.timeoutMs} ms`
          : `the answer's body was cut off (${causeMessage(cause)})`;
        return {
          ...failure(true, undefined, undefined, `${what}: ${reason}`, cause),
          ...(timedOut ? { hint: slowHint } : {}),
        };
      }
      const text = utf8.decode(bytes);
      const contentType = response.headers.get('content-type');
      if (response.ok) {
        try {
          return { body: JSON.parse(text) as unknown, bytes };
        } catch (cause) {
          // Not retried: what answers in WorkOS's place (a captive portal, a wrong URL) stays.
          return failure(
            false,
            response.status,
            undefined,
            `${what}: the answer is not JSON (${notJson(text, contentType)}): check that WORKOS_API_URL (or --api-url) is WorkOS's API and that nothing (a proxy, a captive portal) answers in its place`,
            cause,
          );
        }
      }
      const body = errorBody(text, contentType);
      const status = response.status;
      // WorkOS support finds a request by its id.
      const requestId = response.headers.get('x-request-id');
      const message = `${what}: ${status}${body.detail ? ` ${body.detail}` : ''}${requestId ? ` [request id ${requestId}]` : ''}`;
      if (status === 429 || status >= 500) {
        const after = retryAfterMs(response.headers.get('retry-after'), this.clock.now());
        return failure(true, status, after, message);
      }
      return failure(false, status, undefined, message, undefined, body);
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', stop);
    }
  }
}

function eventsPath(params: ListEventsParams): string {
  const query = listEventsQuery(params);
  return `/events${query ? `?${query}` : ''}`;
}

function checkedEventList(body: unknown): WireEventList {
  try {
    return checkEventList(body);
  } catch (error) {
    throw new WorkosApiError(`GET /events: ${(error as Error).message}`, 200, { cause: error });
  }
}

function failure(
  retry: boolean,
  status: number | undefined,
  retryAfter: number | undefined,
  message: string,
  cause?: unknown,
  details?: WorkosErrorDetails,
): AttemptFailure {
  let error: WorkosApiError;
  if (status === 401 || status === 403) {
    error = new WorkosApiAuthError(
      `${message}: WorkOS refused the API key; check WORKOS_API_KEY (or --api-key) and that it belongs to this environment`,
      status,
    );
  } else if (status === 404) {
    error = new WorkosApiNotFoundError(`${message}: check WORKOS_API_URL (or --api-url)`, status);
  } else if (status === 400 || status === 422) {
    error = new WorkosApiRequestError(message, status, details);
  } else {
    error = new WorkosApiError(message, status, { cause });
  }
  return { retry, status, retryAfterMs: retryAfter, error };
}

/** A wait as the client's messages say it: `90 s`, `300 s (5 min)`, `3600 s (1 h)`. */
export function seconds(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s >= 3600) return `${s} s (${+(s / 3600).toFixed(1)} h)`;
  if (s >= 120) return `${s} s (${+(s / 60).toFixed(1)} min)`;
  return `${s} s`;
}

/** fetch's errors say "fetch failed" or "terminated" and keep the socket's reason in `cause`. */
function causeMessage(error: unknown): string {
  const message = (error as Error | undefined)?.message ?? String(error);
  const inner = (error as Error | undefined)?.cause;
  return inner instanceof Error && inner.message ? `${message}: ${inner.message}` : message;
}

/**
 * WorkOS answers errors as JSON with `message` (and sometimes `code`, `errors`): `detail` keeps it
 * short for the message; the rest keeps what it said apart.
 */
function errorBody(
  text: string,
  contentType: string | null,
): WorkosErrorDetails & { detail: string } {
  try {
    const body = JSON.parse(text) as {
      message?: unknown;
      code?: unknown;
      error?: unknown;
      field?: unknown;
      errors?: unknown;
    };
    const said = body.message ?? body.error;
    const workosCode = typeof body.code === 'string' ? body.code : undefined;
    const workosMessage = typeof said === 'string' ? said : undefined;
    const named = [
      body.field,
      ...(Array.isArray(body.errors)
        ? body.errors.map((e) => (e as { field?: unknown })?.field)
        : []),
    ];
    const fields = named.filter((f): f is string => typeof f === 'string');
    // `errors[]` says which requirement failed (`{ field, code }`, as the official SDK reads it).
    const requirements = (Array.isArray(body.errors) ? (body.errors as unknown[]) : [])
      .map((e) => {
        const { field, code, message } = (e ?? {}) as Record<string, unknown>;
        const said = [code, message].find((s) => typeof s === 'string' && s !== '') as
          string | undefined;
        if (said === undefined) return undefined;
        return typeof field === 'string' && !said.includes(field) ? `${field}: ${said}` : said;
      })
      .filter((r) => r !== undefined);
    const parts = [workosCode, workosMessage].filter((p) => p !== undefined);
    const detail = [parts.join(': '), requirements.length > 0 ? `(${requirements.join('; ')})` : '']
      .filter((p) => p !== '')
      .join(' ');
    if (detail !== '') return { detail, workosCode, workosMessage, fields };
  } catch {
    const seen = notJson(text, contentType);
    if (seen.startsWith('an HTML page')) {
      return { detail: `(${seen}, not WorkOS's JSON: a proxy or gateway in between answered)` };
    }
  }
  return { detail: oneLine(text) };
}

/**
 * What a body that is not JSON looks like, in a few words: an HTML page by its title (a proxy's
 * error page, a captive portal), else its first characters on one line.
 */
function notJson(text: string, contentType: string | null): string {
  if (/html/i.test(contentType ?? '') || /^\s*</.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
    return `an HTML page${title && oneLine(title) ? ` "${oneLine(title)}"` : ''}`;
  }
  return text.trim() === '' ? 'an empty body' : `"${oneLine(text)}"`;
}

/** Whitespace runs as one space, at most 200 characters: one readable log line. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
