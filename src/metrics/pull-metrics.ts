import { defaults } from '../defaults.js';
import { Counter, Gauge, Registry } from 'prom-client';
import { duplicateCounter } from './duplicate-counter.js';

/** What the Events API puller reports (see {@link createPullMetrics}). */
export interface PullMetrics {
  readonly registry: Registry;
  /** One catch-up's page went in: counts by outcome and the newest event's `created_at`. */
  page(
    inserted: number,
    duplicates: number,
    newestCreatedAtMs: number | undefined,
    nowMs: number,
  ): void;
  /** A catch-up finished without error. */
  success(nowMs: number): void;
  /** A request to WorkOS failed (retried or not); `status` undefined when no answer came. */
  apiError(status: number | undefined): void;
  /** Whether this process holds the puller's lease. */
  leader(holds: boolean): void;
}

/**
 * Metric names (with the default prefix):
 * - `workos_inbox_pull_events_total{outcome}`: events the Events API returned: `inserted` (new to
 *   the inbox) or `duplicate` (a webhook or an earlier pull stored it first; webhook duplicates
 *   are `workos_inbox_events_duplicate_total`)
 * - `workos_inbox_pull_pages_total`
 * - `workos_inbox_pull_lag_seconds`: age of the newest event seen when it was pulled
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
  } = {},
): PullMetrics {
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
  const lag = new Gauge({
    name: `${p}pull_lag_seconds`,
    help: 'Age of the newest event seen, when it was pulled.',
    registers,
  });
  const lastSuccess = new Gauge({
    name: `${p}pull_last_success_timestamp_seconds`,
    help: 'When the last catch-up finished without error (Unix time).',
    registers,
  });
  const errors = new Counter({
    name: `${p}pull_api_errors_total`,
    help: 'Failed requests to the WorkOS API, by HTTP status (none: no answer).',
    labelNames: ['status'] as const,
    registers,
  });
  const leader = new Gauge({
    name: `${p}pull_leader`,
    help: '1 while this process holds the puller lease.',
    registers,
  });
  events.inc({ outcome: 'inserted' }, 0);
  events.inc({ outcome: 'duplicate' }, 0);
  return {
    registry,
    page(inserted, duplicateCount, newestMs, nowMs) {
      pages.inc();
      events.inc({ outcome: 'inserted' }, inserted);
      events.inc({ outcome: 'duplicate' }, duplicateCount);
      duplicates.inc({ source: 'events_api' }, duplicateCount);
      if (newestMs !== undefined && !Number.isNaN(newestMs))
        lag.set(Math.max(0, (nowMs - newestMs) / 1000));
    },
    success: (nowMs) => lastSuccess.set(nowMs / 1000),
    apiError: (status) => errors.inc({ status: status === undefined ? 'none' : String(status) }),
    leader: (holds) => leader.set(holds ? 1 : 0),
  };
}
