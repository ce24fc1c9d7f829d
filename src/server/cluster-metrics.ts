import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import type { Registry } from 'prom-client';

/** What GET /metrics reads: a prom-client Registry, or the whole cluster's aggregate. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

const request = 'workos-inbox:cluster-metrics-request';
const response = 'workos-inbox:cluster-metrics-response';

interface MetricsMessage {
  type: string;
  id: string;
  text?: string;
  error?: string;
}

/**
 * In the cluster primary: answer workers' requests for the whole cluster's metrics. With
 * `--processes N`, a scrape lands on one random process; counters of that process alone would
 * jump up and down between scrapes, so the primary sums every process's (prom-client's
 * AggregatorRegistry; database-wide gauges say `aggregator: 'max'`).
 */
export function answerClusterMetricsRequests(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== request) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: response, id: message.id, text }),
      (error: Error) => worker.send({ type: response, id: message.id, error: error.message }),
    );
  });
}

/**
 * In a cluster worker: offer this process's registries to the primary's aggregation, and
 * return a source that asks the primary for the aggregate.
 */
export function clusterMetricsSource(registries: Registry[], timeoutMs = 5000): MetricsSource {
  AggregatorRegistry.setRegistries(registries);
  // Constructing one installs prom-client's worker-side listener for the primary's requests.
  new AggregatorRegistry();
  const pending = new Map<string, (message: MetricsMessage) => void>();
  process.on('message', (message: MetricsMessage) => {
    if (message?.type === response) pending.get(message.id)?.(message);
  });
  return {
    contentType: registries[0]?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8',
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = randomUUID();
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the cluster primary did not answer the metrics request'));
        }, timeoutMs);
        pending.set(id, (message) => {
          clearTimeout(timer);
          pending.delete(id);
          if (message.error !== undefined) reject(new Error(message.error));
          else resolve(message.text ?? '');
        });
        process.send?.({ type: request, id });
      }),
  };
}
