import type { KnownEventName, WireEvent, WireEventByName } from '../events/index.js';
import { signatureHeader } from '../signature/sign.js';
import type { DeepPartial } from './deep-merge.js';
import { sampleEvent } from './sample-event.js';

/** Options of {@link generateTestWebhook}. */
export interface TestWebhookOptions<N extends KnownEventName = KnownEventName> {
  /**
   * The secret to sign with; several give one `v1=` each (as during a rotation).
   * @defaultValue `process.env.WORKOS_WEBHOOK_SECRET`, else `'whsec_test'`
   */
  secret?: string | readonly string[] | undefined;
  /** Signature time, ms since the epoch. @defaultValue `Date.now()` */
  timestampMs?: number;
  /** The sample event's name. @defaultValue `'dsync.user.created'` */
  event?: N;
  /** Sample seed. @defaultValue 1 */
  seed?: number;
  /** Merged into the sample (see `sampleEvent`). */
  overrides?: DeepPartial<WireEventByName<N>>;
  /** Sign this event instead of a sample (any name, any shape). */
  payload?: WireEvent | Record<string, unknown>;
  /**
   * Sign this exact string instead (pretty-printed JSON, or not JSON at all to test rejection);
   * `payload` is its parse, `undefined` when it is not JSON.
   */
  body?: string;
}

/** A signed delivery, ready for `constructEvent` or an HTTP request. */
export interface TestWebhook<P = WireEvent> {
  /** The exact bytes that were signed (send these as the request body). */
  body: string;
  headers: { 'workos-signature': string; 'content-type': 'application/json' };
  /** `body` parsed: the event as WorkOS sends it (`unknown` for a `body` you gave). */
  payload: P;
  /** The header value alone, for `constructEvent({ sigHeader })`. */
  sigHeader: string;
  timestampMs: number;
}

/**
 * A signed webhook like the WorkOS guide's `generateTestWebhook()`: a realistic sample event
 * (or your `payload`/`body`), its JSON body, and the `WorkOS-Signature` header over those exact
 * bytes.
 *
 * @example
 * const { body, headers } = generateTestWebhook({ secret: 'whsec_test', event: 'user.created' });
 * await fetch(url, { method: 'POST', body, headers });
 */
export function generateTestWebhook(
  options: TestWebhookOptions & { body: string },
): TestWebhook<unknown>;
export function generateTestWebhook(
  options: TestWebhookOptions & { payload: WireEvent | Record<string, unknown> },
): TestWebhook<WireEvent>;
export function generateTestWebhook<N extends KnownEventName = 'dsync.user.created'>(
  options?: TestWebhookOptions<N>,
): TestWebhook<WireEventByName<N>>;
export function generateTestWebhook(options: TestWebhookOptions = {}): TestWebhook<unknown> {
  const secret = options.secret ?? process.env.WORKOS_WEBHOOK_SECRET ?? 'whsec_test';
  const timestampMs = options.timestampMs ?? Date.now();
  let body: string;
  if (options.body !== undefined) body = options.body;
  else if (options.payload !== undefined) body = JSON.stringify(options.payload);
  else {
    const name = options.event ?? 'dsync.user.created';
    const sampleOptions = options.overrides
      ? { seed: options.seed, overrides: options.overrides }
      : { seed: options.seed };
    body = JSON.stringify(sampleEvent(name, sampleOptions));
  }
  const sigHeader = signatureHeader(body, secret, timestampMs);
  return {
    body,
    headers: { 'workos-signature': sigHeader, 'content-type': 'application/json' },
    payload: parseOrUndefined(body),
    sigHeader,
    timestampMs,
  };
}

/** A `body` given to sign may deliberately not be JSON (to test how it is rejected). */
function parseOrUndefined(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
