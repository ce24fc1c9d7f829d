import { defaults } from '../defaults.js';
import { eventNames } from '../events/event-names.js';
import { redactUrl } from '../forward/redact-url.js';
import { refusalAdvice, refusalCause } from './refusal.js';
import type { RefusalCause } from './refusal.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { signatureHeader } from '../signature/sign.js';
import { sleepUnlessAborted } from '../workos-api/abortable-sleep.js';
import type { WireEvent } from '../workos-api/event-list.js';
import type { WorkosApiClient } from '../workos-api/workos-api-client.js';
import {
  WorkosApiAuthError,
  WorkosApiNotFoundError,
  WorkosApiRequestError,
  retryAfterAsked,
} from '../workos-api/workos-api-errors.js';
import type { WorkosApiError } from '../workos-api/workos-api-errors.js';

/** Options of {@link listen}. */
export interface ListenOptions {
  client: Pick<WorkosApiClient, 'listEvents'>;
  /** Where each event is POSTed, e.g. `http://localhost:3000/webhooks/workos`. */
  forwardTo: string;
  /** Signs each delivery (`WorkOS-Signature`), as WorkOS would with the endpoint's secret. */
  secret: string;
  /**
   * Where `secret` came from (`--secret`, `WORKOS_WEBHOOK_SECRET`, serve's development secret):
   * named in the advice for a refusal that looks like a signature check that failed (a 401).
   */
  secretSource?: string;
  /** `range_start` of the first read, ISO-8601. */
  since: string;
  /**
   * Event names to read. WorkOS's API takes the filter as required (the official SDK's type says
   * so): by default every name this version knows, as `pull` sends.
   */
  events?: readonly string[];
  /** Pause between reads once caught up. @defaultValue `defaults.listenIntervalMs.value` */
  intervalMs?: number;
  /** First wait before delivering again to a destination that is down; doubles up to 30 s. @defaultValue `defaults.listenRetryBaseMs.value` */
  retryBaseMs?: number;
  /**
   * One delivery attempt (the answer's body included) may take this long; then it is retried as
   * down. @defaultValue `defaults.forwardTimeoutMs.value`
   */
  timeoutMs?: number;
  /**
   * Stops the loop (Ctrl-C) at once: a delivery in progress is abandoned (not counted; reported
   * as `undelivered`), a wait is cut short.
   */
  signal: AbortSignal;
  /**
   * One line per delivery attempt. The first refusal of each likely cause (see
   * {@link ListenRefusal}) says, on its line, what to do about it.
   */
  print: (line: string) => void;
  clock?: Clock;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  fetch?: typeof globalThis.fetch;
}

/** Events the destination refused for one likely cause. */
export interface ListenRefusal {
  cause: RefusalCause;
  /** What to do about it, as printed on the first refused event's line. */
  advice: string;
  /** How many events. */
  count: number;
  /** How many of them each status answered, e.g. `{ 401: 3 }`. */
  statuses: Record<number, number>;
}

/** What a `listen` run did, when it stopped. */
export interface ListenResult {
  /** Events the destination accepted (2xx). */
  forwarded: number;
  /** Events the destination refused (a 3xx, or a 4xx other than 429): printed and passed. */
  refused: number;
  /** The refused events by their likely cause, the commonest first (ties: the one seen first). */
  refusals: ListenRefusal[];
  /** The first event refused: `listen --since <its createdAt>` sends it and what followed again. */
  firstRefused?: { id: string; event: string; createdAt: string };
  /**
   * The event whose delivery was still without an answer, or still failing, at Ctrl-C: it and
   * what follows it were not delivered, and `listen --since <its createdAt>` sends them.
   */
  undelivered?: { id: string; event: string; createdAt: string };
  /**
   * The last event read and handled (accepted or refused): what follows it is what a run that
   * stopped did not read.
   */
  lastRead?: { id: string; event: string; createdAt: string };
  /**
   * Why WorkOS ended the run after its first page (a key refused, a URL or parameter rejected):
   * the error, with the counts of what was delivered before it. On the first read it is thrown
   * instead: nothing was read, there is nothing to sum up.
   */
  stoppedBy?: WorkosApiError;
}

/**
 * `workos-inbox listen`: read new events from WorkOS's Events API and POST each, signed with the
 * local secret, to a local endpoint, like `stripe listen`. The cursor lives in memory (only
 * events the Events API returned move it). A destination that is down (no answer, 429, 5xx) is
 * retried with backoff until it answers, so nothing is skipped; a 3xx or 4xx is printed and passed,
 * its first of each likely cause with what to do, and counted as refused. A `Retry-After` longer
 * than the client waits itself is waited out (one line says until when) before WorkOS is asked
 * again, as `serve --pull` pauses. Resolves with what it delivered and refused when `signal`
 * aborts, or when WorkOS refuses a read after the first (`stoppedBy`); a refusal of the first
 * read is thrown.
 */
export async function listen(options: ListenOptions): Promise<ListenResult> {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? sleepUnlessAborted;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const { signal } = options;
  let after: string | undefined;
  let read = false;
  const result: ListenResult = { forwarded: 0, refused: 0, refusals: [] };
  while (!signal.aborted) {
    let page;
    try {
      page = await options.client.listEvents({
        events: options.events ?? eventNames,
        order: 'asc',
        limit: 100,
        ...(after ? { after } : { range_start: options.since }),
      });
    } catch (error) {
      if (signal.aborted) break;
      // A refused key, a wrong URL or a parameter WorkOS rejects will not pass on a retry.
      if (
        error instanceof WorkosApiAuthError ||
        error instanceof WorkosApiNotFoundError ||
        error instanceof WorkosApiRequestError
      ) {
        if (!read) throw error;
        // Mid-run: what was delivered and refused so far, and where to go on from, still count.
        result.stoppedBy = error;
        return done();
      }
      // Asked (Retry-After) to wait longer than the client waits itself: nothing is asked before
      // then, as `serve --pull` pauses; WorkOS's rate limits are per key, the user's key here.
      const waitMs = retryAfterAsked(error)?.retryAfterMs;
      if (waitMs !== undefined) {
        const until = new Date(clock.now() + waitMs).toISOString();
        const status = (error as WorkosApiError).status ?? 'unavailable';
        options.print(
          `${time(clock)}  Events API ${status}: waiting until ${until}, as WorkOS's Retry-After asks (Ctrl-C stops)`,
        );
        await sleep(waitMs, signal);
        continue;
      }
      options.print(`${time(clock)}  Events API error: ${(error as Error).message}`);
      await sleep(options.intervalMs ?? defaults.listenIntervalMs.value, signal);
      continue;
    }
    read = true;
    for (const event of page.data) {
      const answered = signal.aborted ? undefined : await deliver(event);
      if (answered === undefined) {
        result.undelivered = { id: event.id, event: event.event, createdAt: event.created_at };
        return done();
      }
      after = event.id;
      result.lastRead = { id: event.id, event: event.event, createdAt: event.created_at };
      const { status, refusal } = answered;
      if (!refusal) {
        result.forwarded++;
        continue;
      }
      result.refused++;
      result.firstRefused ??= { id: event.id, event: event.event, createdAt: event.created_at };
      refusal.count++;
      refusal.statuses[status] = (refusal.statuses[status] ?? 0) + 1;
    }
    if (page.data.length < 100)
      await sleep(options.intervalMs ?? defaults.listenIntervalMs.value, signal);
  }
  return done();

  function done(): ListenResult {
    // Stable: of two causes as common, the one seen first stays first.
    result.refusals.sort((a, b) => b.count - a.count);
    return result;
  }

  /** The refusals of `cause` so far; the first time, it is added and its advice is new. */
  function refusalOf(cause: RefusalCause, location: string | null): [ListenRefusal, boolean] {
    const known = result.refusals.find((refusal) => refusal.cause === cause);
    if (known) return [known, false];
    const advice = refusalAdvice(cause, {
      forwardTo: options.forwardTo,
      location,
      secretSource: options.secretSource,
    });
    const refusal: ListenRefusal = { cause, advice, count: 0, statuses: {} };
    result.refusals.push(refusal);
    return [refusal, true];
  }

  /**
   * POST `event` until the destination answers: its status, and for a refusal (3xx or 4xx) the
   * refusals of its cause to count it in; undefined when `signal` stops it first.
   */
  async function deliver(
    event: WireEvent,
  ): Promise<{ status: number; refusal?: ListenRefusal } | undefined> {
    const body = JSON.stringify(event);
    const timeoutMs = options.timeoutMs ?? defaults.forwardTimeoutMs.value;
    for (
      let waitMs = options.retryBaseMs ?? defaults.listenRetryBaseMs.value;
      ;
      waitMs = Math.min(waitMs * 2, 30_000)
    ) {
      let status: number | string;
      let location: string | null = null;
      // One attempt: until an answer (its body included), the timeout, or Ctrl-C.
      const attempt = new AbortController();
      const stop = () => attempt.abort();
      const timer = setTimeout(stop, timeoutMs);
      signal.addEventListener('abort', stop, { once: true });
      try {
        const res = await fetchFn(options.forwardTo, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'workos-signature': signatureHeader(body, options.secret, clock.now()),
          },
          body,
          signal: attempt.signal,
          // Followed, a 301/302/303 turns the POST into a GET without the event, and that GET's
          // 200 was counted as delivered: the answer to the POST is the one that counts.
          redirect: 'manual',
        });
        await res.arrayBuffer();
        status = res.status;
        location = res.headers.get('location');
      } catch (error) {
        // After Ctrl-C, a delivery without an answer is not retried: reported as undelivered.
        if (signal.aborted) return undefined;
        const reason =
          ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
        // fetch's errors may quote the URL whole (it refuses one with credentials).
        status = attempt.signal.aborted
          ? `down (no answer within ${timeoutMs} ms)`
          : `down (${reason.split(options.forwardTo).join(redactUrl(options.forwardTo))})`;
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', stop);
      }
      const retry = typeof status === 'string' || status === 429 || status >= 500;
      const line = `${time(clock)}  ${event.event}  ${event.id}  ${status}`;
      if (typeof status === 'number' && !retry) {
        if (status >= 200 && status < 300) {
          options.print(line);
          return { status };
        }
        // Refused: passed, not retried. What to do is said once per cause, not on every line.
        const [refusal, first] = refusalOf(refusalCause(status), location);
        options.print(first ? `${line}  refused, not retried: ${refusal.advice}` : line);
        return { status, refusal };
      }
      options.print(`${line}  retrying in ${waitMs} ms`);
      // After Ctrl-C, a delivery that failed is not retried: reported as undelivered.
      if (signal.aborted) return undefined;
      await sleep(waitMs, signal);
      if (signal.aborted) return undefined;
    }
  }
}

function time(clock: Clock): string {
  return new Date(clock.now()).toISOString().slice(11, 19);
}
