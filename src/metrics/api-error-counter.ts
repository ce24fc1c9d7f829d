import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * `<prefix><job>_api_errors_total{status}`: the failed requests to the WorkOS API of `--pull`
 * (`pull`) or `--reconcile-every` (`reconcile`), retried or not, by HTTP status (`none` when no
 * answer came). Both count them the same way: the client's `onError`, given this.
 */
export function apiErrorCounter(
  registry: Registry,
  prefix: string,
  job: 'pull' | 'reconcile',
): (status: number | undefined) => void {
  const counter = new Counter({
    name: `${prefix}${job}_api_errors_total`,
    help: `Failed requests of ${job === 'pull' ? 'the Events API pull' : 'reconcile'} to the WorkOS API, retried or not, by HTTP status (none: no answer).`,
    labelNames: ['status'] as const,
    registers: [registry],
  });
  return (status) => counter.inc({ status: status === undefined ? 'none' : String(status) });
}
