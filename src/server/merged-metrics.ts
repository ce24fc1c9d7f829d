import { AggregatorRegistry, Registry } from 'prom-client';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/**
 * Registries of this thread and the metrics of another thread that has the same ones (serve's
 * worker thread runs an inbox too), summed per series as prom-client sums a cluster's
 * (`AggregatorRegistry`; gauges that say `aggregator: 'max'` take the larger). A `Registry` of its
 * own, so GET /metrics, the dashboard and `--processes N`'s aggregation read it like any other.
 */
export function mergedMetrics(
  local: readonly Registry[],
  other: () => Promise<MetricsJson>,
): Registry {
  const merged = async () =>
    AggregatorRegistry.aggregate([
      ...(await Promise.all(local.map((r) => r.getMetricsAsJSON()))),
      await other(),
    ]);
  return new (class extends Registry {
    override async getMetricsAsJSON() {
      return (await merged()).getMetricsAsJSON();
    }
    override async metrics() {
      return (await merged()).metrics();
    }
  })();
}
