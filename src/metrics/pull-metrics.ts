import { defaults } from '../defaults.js';
import { Counter, Gauge, Registry } from 'prom-client';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { apiErrorCounter } from './api-error-counter.js';
import { duplicateCounter } from './duplicate-counter.js';

/** What the Events API puller reports (see {@link createPullMetrics}). */
export interface PullMetrics {
  readonly registry: Registry;
  /**
   * One catch-up's page went in: counts by outcome, and the newest event's `created_at` (the lag
   * is measured from the newest one seen so far).
   */
  page(inserted: number, duplicates: number, newestCreatedAtMs: number | undefined): void;
  /** A catch-up finished without error. */
  success(nowMs: number): void;
  /** A request to WorkOS failed (retried or not); `status` undefined when no answer came. */
  apiError(status: number | undefined): void;
  /**
   * Whether this process holds the puller's lease. Not holding it forgets the newest event seen
   * (another process pulls now): the lag reads 0 until this process pulls an event again.
   */
  leader(holds: boolean): void;
}

/**
 * Metric names (with the default prefix):
 * - `workos_inbox_pull_events_total{outcome}`: events the Events API returned: `inserted` (new to
 *   the inbox) or `duplicate` (a webhook or an earlier pull stored it first; webhook duplicates
 *   are `workos_inbox_events_duplicate_total`)
 * - `workos_inbox_pull_pages_total`
 * - `workos_inbox_pull_lag_seconds`: at each scrape, now minus the `created_at` of the newest event
 *   this process has pulled since it took the puller lease: it keeps growing while nothing newer
 *   arrives, whether WorkOS has no new events or pulling stopped. 0 in a process that does not
 *   hold the lease, and in the holder until it has pulled an event (after a start or a takeover).
 * - `workos_inbox_pull_last_success_timestamp_seconds`
 * - `workos_inbox_pull_api_errors_total{status}` (`none` when no answer came)
 * - `workos_inbox_pull_leader` (1 in the one process that pulls)
 */
export function createPullMetrics(
  options: {
    /** The inbox's registry (`inbox.metrics`) to share its duplicates counter. @defaultValue a new Registry */
    registry?: Registry;
    /** @defaultValue `defaults.metricsPrefix.value` */
    prefix?: string;
    /** Where the lag's "now" comes from, at scrape time. @defaultValue `systemClock` */
    clock?: Clock;
  } = {},
): PullMetrics {
  const clock = options.clock ?? systemClock;
  /** The newest `created_at` pulled since this process took the lease (ms), if any. */
  let newestMs: number | undefined;
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? defaults.metricsPrefix.value;
  const registers = [registry];
  const events = new Counter({
    name: `${p}pull_events_total`,
    help: 'Events the Events API returned, by outcome (inserted or duplicate).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const duplicates = duplicateCounter(registry, p);
  const pages = new Counter({ name: `${p}pull_pages_total`, help: 'Pages pulled.', registers });
  // Registered only: its value is computed when scraped, so it keeps growing when no page (or no
  // newer event) arrives.
  new Gauge({
    name: `${p}pull_lag_seconds`,
    help: 'Seconds from the created_at of the newest event this process has pulled to now (at the scrape): grows while nothing newer arrives, whether WorkOS has no new events or pulling stopped. 0 where the puller lease is not held, and until its holder has pulled an event.',
    registers,
    collect() {
      this.set(newestMs === undefined ? 0 : Math.max(0, (clock.now() - newestMs) / 1000));
    },
  });
  const lastSuccess = new Gauge({
    name: `${p}pull_last_success_timestamp_seconds`,
    help: 'When the last catch-up finished without error (Unix time).',
    registers,
  });
  const apiError = apiErrorCounter(registry, p, 'pull');
  const leader = new Gauge({
    name: `${p}pull_leader`,
    help: '1 while this process holds the puller lease.',
    registers,
  });
  events.inc({ outcome: 'inserted' }, 0);
  events.inc({ outcome: 'duplicate' }, 0);
  return {
    registry,
    page(inserted, duplicateCount, pageNewestMs) {
      pages.inc();
      events.inc({ outcome: 'inserted' }, inserted);
      events.inc({ outcome: 'duplicate' }, duplicateCount);
      duplicates.inc({ source: 'events_api' }, duplicateCount);
      if (pageNewestMs !== undefined && !Number.isNaN(pageNewestMs))
        newestMs = Math.max(newestMs ?? pageNewestMs, pageNewestMs);
    },
    success: (nowMs) => lastSuccess.set(nowMs / 1000),
    apiError,
    leader(holds) {
      leader.set(holds ? 1 : 0);
      // Another process pulls now: what this one saw last says nothing about how far behind it is
      // (and, summed across processes, would add a stale, growing age to the holder's).
      if (!holds) newestMs = undefined;
    },
  };
}
