import { didYouMean } from '../errors/close-matches.js';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { eventNames } from '../events/event-names.js';
import type { BackoffSettings } from '../worker/backoff.js';

/** One endpoint the inbox forwards committed events to, resolved and validated. */
export interface Destination {
  /** Stable identity of its deliveries (defaults to the URL without credentials and query). */
  name: string;
  url: URL;
  /** Signs each delivery's `WorkOS-Signature`. Defaults to the webhook secret. */
  secret: string;
  /** Event-name patterns, `*` matching any run of characters; `['*']` for every event. */
  events: string[];
  /** One attempt's limit, connection to last byte. @defaultValue `defaults.forwardTimeoutMs.value` */
  timeoutMs: number;
  /** Deliveries in flight at once, per process. @defaultValue `defaults.forwardConcurrency.value` */
  concurrency: number;
  /** At most this many attempts started per second, per process; undefined for no limit. */
  ratePerSecond: number | undefined;
  /** Deliver the events of one directory object one at a time, in `created_at` order. */
  ordered: boolean;
  /** Attempts before a delivery is dead (the first one included). */
  maxAttempts: number;
  backoff: BackoffSettings;
}

/** Settings a destination spec does not set itself (from the other flags). */
export interface DestinationDefaults {
  /** The webhook secret, or undefined when none is known (then each spec must give `secret=`). */
  secret: string | undefined;
  timeoutMs: number;
  concurrency: number;
  ordered: boolean;
  maxAttempts: number;
  backoff: BackoffSettings;
}

/** A `--forward-to` value does not parse. The message names the destination and the setting. */
export class DestinationSpecError extends WorkosInboxError {
  override readonly name = 'DestinationSpecError';
  readonly code = 'invalid_destination';
}

/** Event-name pattern characters: event names plus `*`. Keeps GLOB / LIKE specials out. */
export const eventPatternShape = /^[A-Za-z0-9_.*-]+$/;

/** Whether `event` matches a pattern as the database trigger does (`*` = any characters). */
export function matchesEventPattern(event: string, pattern: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(event);
}

/** Every family pattern the known names make (`dsync.*`, `dsync.user.*`, …), for suggestions. */
const familyPatterns = [
  ...new Set(
    eventNames.flatMap((name) =>
      name
        .split('.')
        .slice(0, -1)
        .map((_, i, parts) => `${parts.slice(0, i + 1).join('.')}.*`),
    ),
  ),
];

/**
 * What to say of each `events=` pattern that matches none of the event names this version knows:
 * a typo (`dsync.usr.*`) would otherwise forward nothing to its destination, and say nothing. Not
 * an error: WorkOS adds events, and a pattern may be waiting for one.
 */
export function unmatchedEventPatterns(
  destinations: readonly Pick<Destination, 'name' | 'events'>[],
): { destination: string; pattern: string; message: string }[] {
  return destinations.flatMap((d) =>
    d.events
      .filter((pattern) => !eventNames.some((name) => matchesEventPattern(name, pattern)))
      .map((pattern) => ({
        destination: d.name,
        pattern,
        message:
          `forwarding: events=${pattern} of ${d.name} matches none of the ${eventNames.length} ` +
          'event names this version knows, so only events of a name WorkOS adds later reach it.' +
          didYouMean(pattern, [...eventNames, ...familyPatterns], 3),
      })),
  );
}
