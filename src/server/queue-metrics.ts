import { Gauge, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { eventStatuses } from '../store/types.js';
import type { Store } from '../store/types.js';
import { sharedScrapeRead } from './scrape-read.js';

/**
 * Gauges read from the database at scrape time, so every process (receivers and workers,
 * on every machine) reports the same shared queue, not only what it saw itself.
 */
export function createQueueMetrics(store: Store, clock: Clock): Registry {
  const registry = new Registry();
  let last: Awaited<ReturnType<Store['stats']>> | undefined;
  // One stats query per scrape, shared by the gauges.
  const refresh = sharedScrapeRead(async () => {
    // The estimate spares PostgreSQL a count of every processed event on each scrape.
    last = await store.stats(new Date(clock.now()), { estimateDone: true });
  });
  new Gauge({
    name: 'workos_inbox_database_up',
    help: '1 when this scrape read the queue from the database, 0 when it could not (down, or no answer within 5 s): the queue gauges are then left out',
    registers: [registry],
    aggregator: 'min',
    async collect() {
      this.set((await refresh()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'workos_inbox_queue_depth',
    help: 'Events in the inbox by status',
    labelNames: ['status'],
    registers: [registry],
    // Read from the shared database: every process reports the same value, so never sum them.
    aggregator: 'max',
    async collect() {
      this.reset();
      if (await refresh()) {
        for (const status of eventStatuses) this.set({ status }, last?.byStatus[status] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'workos_inbox_dead_events',
    help: 'Events that exhausted their attempts (replay or redrive them)',
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      if (await refresh()) this.set(last?.byStatus.dead ?? 0);
    },
  });
  new Gauge({
    name: 'workos_inbox_oldest_due_age_seconds',
    help: 'Age of the oldest pending or retrying event that is due (0 when none)',
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      if (await refresh()) this.set((last?.oldestPendingAgeMs ?? 0) / 1000);
    },
  });
  return registry;
}
