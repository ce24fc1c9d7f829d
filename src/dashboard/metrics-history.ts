import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';

/** One reading of the inbox's counters. */
export interface MetricsSample {
  at: number;
  received: number;
  accepted: number;
  rejected: number;
  /** Cumulative ingest-duration histogram: upper bound (s) → count. */
  ingestBuckets: Array<[number, number]>;
}

/** What the overview shows from the metrics of this process. */
export interface MetricsSummary {
  /** Per minute over the last hour, oldest first (up to 60 points). */
  perMinute: { received: number[]; accepted: number[]; rejected: number[] };
  /** The last full minute (or the time since start, when shorter). */
  lastMinute: { received: number; accepted: number; rejected: number };
  /** Ingest latency over the last hour, in ms; null before any request. */
  ingestP50Ms: number | null;
  ingestP99Ms: number | null;
}

/** Pulling (WorkOS's Events API), from the pull metrics; undefined when `--pull` is off. */
export interface PullSummary {
  leader: boolean;
  lastSuccessAt: Date | null;
  lagSeconds: number | null;
  inserted: number;
  duplicates: number;
}

/** The jobs of a serve that send requests to WorkOS's API. */
export type ApiErrorSource = 'pull' | 'reconcile';

/**
 * The failed requests to WorkOS's API of this process (retried or not), from the jobs' own
 * counters (`workos_inbox_<source>_api_errors_total{status}`); undefined when neither `--pull`
 * nor `--reconcile-every` is on.
 */
export interface ApiErrorsSummary {
  /** Every source's failed requests. */
  total: number;
  /** One for each job this serve runs (pull first), 0 included. */
  sources: Array<{
    source: ApiErrorSource;
    total: number;
    /** By HTTP status, numbers ascending, `none` (no answer came) last; counts above 0 only. */
    byStatus: Array<{ status: string; count: number }>;
  }>;
}

interface MetricJson {
  name: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

async function readMetrics(registry: Registry): Promise<Map<string, MetricJson>> {
  const all = (await registry.getMetricsAsJSON()) as unknown as MetricJson[];
  return new Map(all.map((m) => [m.name.replace(/^workos_inbox_/, ''), m]));
}

const total = (metric: MetricJson | undefined) =>
  metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;

/** HTTP statuses in numeric order; `none` (no answer came) after them. */
function byStatus(a: string, b: string): number {
  const rank = (status: string) => (/^\d+$/.test(status) ? Number(status) : Infinity);
  const [x, y] = [rank(a), rank(b)];
  return x === y ? a.localeCompare(b) : x < y ? -1 : 1;
}

const sampleIntervalMs = 60_000;
const keepSamples = 61;

/**
 * A minute-by-minute history of the ingest counters (kept in memory for one hour), read from
 * this process's registry. Under `--processes N` each process keeps its own, so the overview
 * shows the process that answered.
 */
export interface MetricsHistory {
  /** Take a reading now (the timer calls it each minute; tests call it with their clock). */
  sample(): Promise<void>;
  summary(): Promise<MetricsSummary>;
  pull(): Promise<PullSummary | undefined>;
  apiErrors(): Promise<ApiErrorsSummary | undefined>;
  stop(): void;
}

export function createMetricsHistory(
  registry: Registry,
  clock: Clock,
  options: {
    pull: boolean;
    /** Whether this serve reconciles (`--reconcile-every`). */
    reconcile?: boolean;
    /** false: no reading unless `sample()` is called. */ timer?: boolean;
  } = {
    pull: false,
  },
): MetricsHistory {
  const samples: MetricsSample[] = [];
  const read = async (): Promise<MetricsSample> => {
    const metrics = await readMetrics(registry);
    const histogram = metrics.get('ingest_duration_seconds');
    const ingestBuckets: Array<[number, number]> = [];
    for (const v of histogram?.values ?? []) {
      if (!v.metricName?.endsWith('_bucket')) continue;
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      ingestBuckets.push([le, v.value]);
    }
    ingestBuckets.sort((a, b) => a[0] - b[0]);
    return {
      at: clock.now(),
      received: total(metrics.get('requests_received_total')),
      accepted: total(metrics.get('events_accepted_total')),
      rejected: total(metrics.get('requests_rejected_total')),
      ingestBuckets,
    };
  };
  const history: MetricsHistory = {
    async sample() {
      samples.push(await read());
      if (samples.length > keepSamples) samples.shift();
    },
    async summary() {
      const now = await read();
      const points = [...samples, now];
      const series = (key: 'received' | 'accepted' | 'rejected') =>
        points.slice(1).map((p, i) => Math.max(0, p[key] - (points[i]?.[key] ?? 0)));
      const base = samples[samples.length - 1];
      const lastMinute = (key: 'received' | 'accepted' | 'rejected') =>
        Math.max(0, now[key] - (base?.[key] ?? 0));
      const oldest = samples[0];
      const buckets = now.ingestBuckets.map(([le, count], i): [number, number] => [
        le,
        count - (oldest?.ingestBuckets[i]?.[1] ?? 0),
      ]);
      return {
        perMinute: {
          received: series('received').slice(-60),
          accepted: series('accepted').slice(-60),
          rejected: series('rejected').slice(-60),
        },
        lastMinute: {
          received: lastMinute('received'),
          accepted: lastMinute('accepted'),
          rejected: lastMinute('rejected'),
        },
        ingestP50Ms: quantileMs(buckets, 0.5),
        ingestP99Ms: quantileMs(buckets, 0.99),
      };
    },
    async pull() {
      if (!options.pull) return undefined;
      const metrics = await readMetrics(registry);
      const events = metrics.get('pull_events_total')?.values ?? [];
      const lastSuccess = total(metrics.get('pull_last_success_timestamp_seconds'));
      const lag = metrics.get('pull_lag_seconds')?.values[0]?.value;
      return {
        leader: total(metrics.get('pull_leader')) > 0,
        lastSuccessAt: lastSuccess > 0 ? new Date(lastSuccess * 1000) : null,
        lagSeconds: lag ?? null,
        inserted: events
          .filter((v) => v.labels.outcome === 'inserted')
          .reduce((s, v) => s + v.value, 0),
        duplicates: events
          .filter((v) => v.labels.outcome === 'duplicate')
          .reduce((s, v) => s + v.value, 0),
      };
    },
    async apiErrors() {
      const sources = (['pull', 'reconcile'] as const).filter((source) =>
        source === 'pull' ? options.pull : options.reconcile === true,
      );
      if (sources.length === 0) return undefined;
      const metrics = await readMetrics(registry);
      const bySource = sources.map((source) => {
        const counts = new Map<string, number>();
        for (const v of metrics.get(`${source}_api_errors_total`)?.values ?? []) {
          const status = String(v.labels.status ?? 'none');
          counts.set(status, (counts.get(status) ?? 0) + v.value);
        }
        const statuses = [...counts]
          .filter(([, count]) => count > 0)
          .map(([status, count]) => ({ status, count }))
          .sort((a, b) => byStatus(a.status, b.status));
        return {
          source,
          total: statuses.reduce((sum, s) => sum + s.count, 0),
          byStatus: statuses,
        };
      });
      return { total: bySource.reduce((sum, s) => sum + s.total, 0), sources: bySource };
    },
    stop() {
      clearInterval(timer);
    },
  };
  // Without the timer (tests), the caller takes every reading itself, the first one included.
  const timer =
    options.timer === false
      ? undefined
      : setInterval(() => void history.sample(), sampleIntervalMs);
  timer?.unref();
  if (timer) void history.sample();
  return history;
}

/**
 * The `q` quantile of a cumulative histogram (upper bound → count), interpolated linearly inside
 * its bucket as Prometheus's `histogram_quantile` does; in ms. Null when the histogram is empty.
 */
export function quantileMs(buckets: ReadonlyArray<[number, number]>, q: number): number | null {
  const count = buckets[buckets.length - 1]?.[1] ?? 0;
  if (count <= 0) return null;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, cumulative] of buckets) {
    if (cumulative >= rank) {
      // The +Inf bucket has no upper bound: report the last finite one.
      if (le === Infinity) return lowerBound * 1000;
      const inBucket = cumulative - lowerCount;
      const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 0;
      return (lowerBound + (le - lowerBound) * fraction) * 1000;
    }
    lowerBound = le;
    lowerCount = cumulative;
  }
  return lowerBound * 1000;
}
