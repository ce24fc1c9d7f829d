import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sharedScrapeRead } from '../server/scrape-read.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/types.js';
import { deliveryStats, readDestinations } from './delivery-queries.js';

/** What the delivery loop reports; one set per process. */
export interface ForwardMetrics {
  readonly registry: Registry;
  delivered: Counter<'destination'>;
  /** Attempts that did not deliver: `reason` is `status` (a non-2xx answer), `network` or `gone` (410). */
  failed: Counter<'destination' | 'reason'>;
  /** Deliveries that exhausted their attempts. */
  dead: Counter<'destination'>;
  /**
   * Claimed deliveries given back unstarted because they waited in the queue until their lease
   * was about to end (the destination slowed down after a large claim); claimed again at once.
   */
  requeued: Counter<'destination'>;
  latency: Histogram<'destination'>;
}

/**
 * The forwarder's metrics. Queue depth, oldest pending age and pauses are read from the database at
 * scrape time (shared by every process, so never summed); counters count this process's attempts.
 */
export function createForwardMetrics(
  store: Store,
  clock: Clock,
  names: readonly string[],
): ForwardMetrics {
  const registry = new Registry();
  let last: Awaited<ReturnType<typeof deliveryStats>> = [];
  let paused = new Set<string>();
  // One read per scrape, shared by the gauges; while the database is down they report nothing.
  const refresh = sharedScrapeRead(() =>
    store.read(async (db) => {
      last = await deliveryStats(db, new Date(clock.now()), names);
      paused = new Set((await readDestinations(db)).filter((d) => d.pausedAt).map((d) => d.name));
    }),
  );
  new Gauge({
    name: 'workos_inbox_forward_queue_depth',
    help: 'Deliveries not yet delivered, by destination and status',
    labelNames: ['destination', 'status'],
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      if (!(await refresh())) return;
      for (const s of last) {
        for (const [status, n] of Object.entries(s.byStatus)) {
          this.set({ destination: s.destination, status }, n);
        }
      }
    },
  });
  new Gauge({
    name: 'workos_inbox_forward_oldest_pending_age_seconds',
    help: 'Age of the oldest pending or retrying delivery per destination (0 when none)',
    labelNames: ['destination'],
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      if (!(await refresh())) return;
      for (const s of last)
        this.set({ destination: s.destination }, (s.oldestPendingAgeMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'workos_inbox_forward_paused',
    help: '1 while a destination is paused (it answered 410 Gone; `deliveries resume` lifts it)',
    labelNames: ['destination'],
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      if (!(await refresh())) return;
      for (const name of new Set([...names, ...paused])) {
        this.set({ destination: name }, paused.has(name) ? 1 : 0);
      }
    },
  });
  const metrics = {
    registry,
    delivered: new Counter({
      name: 'workos_inbox_forward_delivered_total',
      help: 'Deliveries a destination accepted (2xx)',
      labelNames: ['destination'],
      registers: [registry],
    }),
    failed: new Counter({
      name: 'workos_inbox_forward_failed_total',
      help: 'Delivery attempts that failed: reason status (non-2xx), network (timeout, refused, reset) or gone (410)',
      labelNames: ['destination', 'reason'],
      registers: [registry],
    }),
    dead: new Counter({
      name: 'workos_inbox_forward_dead_total',
      help: 'Deliveries that exhausted their attempts (redrive them)',
      labelNames: ['destination'],
      registers: [registry],
    }),
    requeued: new Counter({
      name: 'workos_inbox_forward_requeued_total',
      help: 'Claimed deliveries given back unstarted because their lease was about to end (claimed again with a fresh one)',
      labelNames: ['destination'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'workos_inbox_forward_latency_seconds',
      help: 'Time from POST to the end of the answer, per attempt',
      labelNames: ['destination'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
  // Every configured destination's counters exist from the start at 0, so a rate or an alert on
  // them (nothing delivered for 10 minutes, any dead) has a series before the first attempt.
  for (const destination of names) {
    for (const counter of [metrics.delivered, metrics.dead, metrics.requeued]) {
      counter.inc({ destination }, 0);
    }
    for (const reason of failureReasons) metrics.failed.inc({ destination, reason }, 0);
  }
  return metrics;
}

/** `workos_inbox_forward_failed_total`'s reasons. */
export const failureReasons = ['status', 'network', 'gone'] as const;
export type FailureReason = (typeof failureReasons)[number];

/** Count a failed attempt; the reason is one of {@link failureReasons}, checked when compiled. */
export function countFailure(metrics: ForwardMetrics, destination: string, reason: FailureReason) {
  metrics.failed.inc({ destination, reason });
}
