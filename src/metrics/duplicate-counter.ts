import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';

/** Where a duplicate came from: a webhook redelivery or an Events API read. */
export type DuplicateSource = 'webhook' | 'events_api';

/**
 * `<prefix>events_duplicate_total{source}`: one counter per registry, shared by the receiver
 * (`webhook`) and the puller (`events_api`), so one query shows duplicates by source. Both series
 * exist from the start (at 0), so a rate over either is defined before the first duplicate.
 */
export function duplicateCounter(registry: Registry, prefix: string): Counter<'source'> {
  const name = `${prefix}events_duplicate_total`;
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'source'>;
  const counter = new Counter({
    name,
    help: 'Events whose id was already stored (nothing written), by source: webhook or events_api.',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  for (const source of ['webhook', 'events_api'] satisfies DuplicateSource[]) {
    counter.inc({ source }, 0);
  }
  return counter;
}
