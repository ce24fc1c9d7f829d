import { Counter, Gauge, Registry } from 'prom-client';
import type { ReconcileCounts } from '../reconcile/table-counts.js';
import { defaults } from '../defaults.js';

/** What periodic reconcile reports (see {@link createReconcileMetrics}). */
export interface ReconcileMetrics {
  readonly registry: Registry;
  /** A run finished: rows it repaired, by table and change. */
  success(counts: ReconcileCounts, nowMs: number, seconds: number): void;
  /** A run stopped; what it repaired before that still counts. */
  failure(counts: ReconcileCounts | undefined, nowMs: number, seconds: number): void;
}

/**
 * Metric names (with the default prefix):
 * - `workos_inbox_reconcile_rows_repaired_total{table,change}`: rows reconcile created, updated
 *   or deleted because the mirror differed from WorkOS. Anything but 0 is drift: worth an alert.
 * - `workos_inbox_reconcile_runs_total{outcome}`: `success` or `failure`
 * - `workos_inbox_reconcile_last_run_timestamp_seconds`, `…_last_run_success` (1 or 0),
 *   `…_last_run_duration_seconds`
 */
export function createReconcileMetrics(
  options: { registry?: Registry; prefix?: string } = {},
): ReconcileMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? defaults.metricsPrefix.value;
  const registers = [registry];
  const repaired = new Counter({
    name: `${p}reconcile_rows_repaired_total`,
    help: 'Mirror rows reconcile created, updated or deleted to match WorkOS (drift), by table.',
    labelNames: ['table', 'change'] as const,
    registers,
  });
  const runs = new Counter({
    name: `${p}reconcile_runs_total`,
    help: 'Reconcile runs, by outcome (success or failure).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const lastRun = new Gauge({
    name: `${p}reconcile_last_run_timestamp_seconds`,
    help: 'When the last reconcile run of this process ended (Unix time).',
    registers,
  });
  const lastSuccess = new Gauge({
    name: `${p}reconcile_last_run_success`,
    help: '1 if the last reconcile run of this process succeeded, 0 if it stopped.',
    registers,
  });
  const lastDuration = new Gauge({
    name: `${p}reconcile_last_run_duration_seconds`,
    help: 'How long the last reconcile run of this process took.',
    registers,
  });
  const record = (counts: ReconcileCounts | undefined, ok: boolean, nowMs: number, s: number) => {
    for (const [table, c] of Object.entries(counts ?? {})) {
      for (const change of ['created', 'updated', 'deleted'] as const) {
        if (c[change] > 0) repaired.inc({ table, change }, c[change]);
      }
    }
    runs.inc({ outcome: ok ? 'success' : 'failure' });
    lastRun.set(nowMs / 1000);
    lastSuccess.set(ok ? 1 : 0);
    lastDuration.set(s);
  };
  return {
    registry,
    success: (counts, nowMs, seconds) => record(counts, true, nowMs, seconds),
    failure: (counts, nowMs, seconds) => record(counts, false, nowMs, seconds),
  };
}
