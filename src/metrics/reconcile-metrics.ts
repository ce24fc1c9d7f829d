import { Counter, Gauge, Registry } from 'prom-client';
import type { ReconcileChanges } from '../reconcile/filled-rows.js';
import { reconcileTableNames } from '../reconcile/reconcile-tables.js';
import { defaults } from '../defaults.js';
import { apiErrorCounter } from './api-error-counter.js';

/** What periodic reconcile reports (see {@link createReconcileMetrics}). */
export interface ReconcileMetrics {
  readonly registry: Registry;
  /** A run finished: rows it filled and repaired, by table (and change). */
  success(changes: ReconcileChanges, nowMs: number, seconds: number): void;
  /** A run stopped; what it filled and repaired before that still counts. */
  failure(changes: ReconcileChanges | undefined, nowMs: number, seconds: number): void;
  /**
   * Shutdown cut a run short: what it filled and repaired counts, but it is neither run outcome
   * (a deploy is no failure to alert on), and the last run's gauges stay those of the last run
   * that ended.
   */
  interrupted(changes: ReconcileChanges | undefined): void;
  /** A request to WorkOS failed (retried or not); `status` undefined when no answer came. */
  apiError(status: number | undefined): void;
}

/**
 * Metric names (with the default prefix):
 * - `workos_inbox_reconcile_rows_repaired_total{table,change}`: rows reconcile created, updated
 *   or deleted because the mirror differed from WorkOS, except the first fill of an empty table
 *   (below). Anything but 0 is drift: worth an alert. Every series starts at 0.
 * - `workos_inbox_reconcile_rows_filled_total{table}`: rows created in a table that held no row
 *   at all (tombstones included) when the run began: the first fill of an empty mirror (a first
 *   deploy, a new database), not drift.
 * - `workos_inbox_reconcile_runs_total{outcome}`: `success` or `failure` (a run shutdown cut
 *   short is neither)
 * - `workos_inbox_reconcile_last_run_timestamp_seconds`, `…_last_run_success` (1 or 0),
 *   `…_last_run_duration_seconds`: of the last run that ended (not one shutdown cut short)
 * - `workos_inbox_reconcile_api_errors_total{status}` (`none` when no answer came), as
 *   `workos_inbox_pull_api_errors_total` counts the pull's
 */
export function createReconcileMetrics(
  options: { registry?: Registry; prefix?: string } = {},
): ReconcileMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? defaults.metricsPrefix.value;
  const registers = [registry];
  const repaired = new Counter({
    name: `${p}reconcile_rows_repaired_total`,
    help: 'Mirror rows reconcile created, updated or deleted to match WorkOS (drift), by table; rows created in a table that was empty when the run began are counted in reconcile_rows_filled_total instead.',
    labelNames: ['table', 'change'] as const,
    registers,
  });
  const filled = new Counter({
    name: `${p}reconcile_rows_filled_total`,
    help: 'Mirror rows reconcile created in a table that held no row when the run began (the first fill of an empty mirror, not drift), by table.',
    labelNames: ['table'] as const,
    registers,
  });
  // At 0 from the start, so that the first repair is an increase (a series that appears with its
  // first value is not one for increase() and rate()).
  for (const table of reconcileTableNames) {
    filled.inc({ table }, 0);
    for (const change of ['created', 'updated', 'deleted'] as const) {
      repaired.inc({ table, change }, 0);
    }
  }
  const runs = new Counter({
    name: `${p}reconcile_runs_total`,
    help: 'Reconcile runs, by outcome (success or failure; a run shutdown cut short is neither).',
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
    help: '1 if the last reconcile run of this process succeeded, 0 if it failed (a run shutdown cut short does not count).',
    registers,
  });
  const lastDuration = new Gauge({
    name: `${p}reconcile_last_run_duration_seconds`,
    help: 'How long the last reconcile run of this process took.',
    registers,
  });
  const count = (changes: ReconcileChanges | undefined) => {
    for (const [table, c] of Object.entries(changes?.repaired ?? {})) {
      for (const change of ['created', 'updated', 'deleted'] as const) {
        if (c[change] > 0) repaired.inc({ table, change }, c[change]);
      }
    }
    for (const [table, n] of Object.entries(changes?.filled ?? {})) filled.inc({ table }, n);
  };
  const record = (changes: ReconcileChanges | undefined, ok: boolean, nowMs: number, s: number) => {
    count(changes);
    runs.inc({ outcome: ok ? 'success' : 'failure' });
    lastRun.set(nowMs / 1000);
    lastSuccess.set(ok ? 1 : 0);
    lastDuration.set(s);
  };
  return {
    registry,
    success: (changes, nowMs, seconds) => record(changes, true, nowMs, seconds),
    failure: (changes, nowMs, seconds) => record(changes, false, nowMs, seconds),
    interrupted: count,
    apiError: apiErrorCounter(registry, p, 'reconcile'),
  };
}
