import { defaults } from '../defaults.js';
import { Counter, Histogram, Registry } from 'prom-client';
import { duplicateCounter } from './duplicate-counter.js';
import type { ReceiverMetrics } from '../receiver/receiver-options.js';
import type { WorkerMetrics } from '../worker/worker-options.js';

/** The inbox's Prometheus metrics, fed by the receiver and the worker. */
export interface InboxMetrics {
  /** Serve it at `/metrics` (`await registry.metrics()`); `serve` does. */
  readonly registry: Registry;
  readonly receiver: ReceiverMetrics;
  readonly worker: WorkerMetrics;
}

export interface InboxMetricsOptions {
  /** Register into this registry (e.g. prom-client's global `register`). @defaultValue a new Registry */
  registry?: Registry;
  /** @defaultValue `defaults.metricsPrefix.value` */
  prefix?: string;
}

/**
 * Metric names (with the default prefix):
 * - `workos_inbox_requests_received_total`
 * - `workos_inbox_events_accepted_total` (new events committed)
 * - `workos_inbox_events_duplicate_total{source}` (an id already stored, nothing written; source
 *   `webhook`: a redelivery, answered 200; `events_api`: pulled after a webhook or an earlier pull
 *   stored it, counted by {@link createPullMetrics} into the same registry)
 * - `workos_inbox_requests_rejected_total{reason}` (reason = a stable rejection code)
 * - `workos_inbox_ingest_duration_seconds` (histogram: verify + parse + durable commit)
 * - `workos_inbox_attempts_total{outcome}` (done | retrying | dead | lease_lost)
 * - `workos_inbox_attempt_duration_seconds{outcome}` (histogram: handlers + transaction)
 */
export function createInboxMetrics(options: InboxMetricsOptions = {}): InboxMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? defaults.metricsPrefix.value;
  const registers = [registry];
  const received = new Counter({
    name: `${p}requests_received_total`,
    help: 'Webhook requests that reached the receiver.',
    registers,
  });
  const accepted = new Counter({
    name: `${p}events_accepted_total`,
    help: 'New events durably committed and answered 200.',
    registers,
  });
  const duplicate = duplicateCounter(registry, p);
  const rejected = new Counter({
    name: `${p}requests_rejected_total`,
    help: 'Requests not acknowledged, by reason code.',
    labelNames: ['reason'] as const,
    registers,
  });
  const ingest = new Histogram({
    name: `${p}ingest_duration_seconds`,
    help: 'Time from request body to answer: verification, parsing and the durable commit.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers,
  });
  const attempts = new Counter({
    name: `${p}attempts_total`,
    help: 'Processing attempts by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const attemptSeconds = new Histogram({
    name: `${p}attempt_duration_seconds`,
    help: 'Duration of a processing attempt (handlers and the transaction).',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers,
  });
  return {
    registry,
    receiver: {
      received: () => received.inc(),
      accepted: () => accepted.inc(),
      duplicate: () => duplicate.inc({ source: 'webhook' }),
      rejected: (reason) => rejected.inc({ reason }),
      ingestSeconds: (s) => ingest.observe(s),
    },
    worker: {
      attempt: (outcome, _event, seconds) => {
        attempts.inc({ outcome });
        attemptSeconds.observe({ outcome }, seconds);
      },
    },
  };
}
