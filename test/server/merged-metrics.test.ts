import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { mergedMetrics } from '../../src/server/merged-metrics.js';

// serve's worker thread has an inbox of its own: the same metric names as the main thread's.
function threadLike(accepted: number, attempts: number, depth: number, seconds: number[]) {
  const registry = new Registry();
  new Counter({ name: 'x_accepted_total', help: 'h', registers: [registry] }).inc(accepted);
  new Counter({
    name: 'x_attempts_total',
    help: 'h',
    labelNames: ['outcome'],
    registers: [registry],
  }).inc({ outcome: 'done' }, attempts);
  new Gauge({ name: 'x_depth', help: 'h', aggregator: 'max', registers: [registry] }).set(depth);
  const histogram = new Histogram({
    name: 'x_seconds',
    help: 'h',
    buckets: [0.01, 0.1],
    registers: [registry],
  });
  for (const s of seconds) histogram.observe(s);
  return registry;
}

describe('mergedMetrics: the main thread and the worker thread as one process', () => {
  it('sums counters and histograms, takes the max of max-gauges, lists each family once', async () => {
    const main = threadLike(60, 0, 7, [0.005, 0.05]);
    const thread = threadLike(0, 60, 9, [0.5]);
    const merged = mergedMetrics([main], () => thread.getMetricsAsJSON());
    const text = await merged.metrics();
    expect(text).toMatch(/^x_accepted_total 60$/m);
    expect(text).toMatch(/^x_attempts_total\{outcome="done"\} 60$/m);
    expect(text).toMatch(/^x_depth 9$/m);
    expect(text).toMatch(/^x_seconds_bucket\{le="0.01"\} 1$/m);
    expect(text).toMatch(/^x_seconds_bucket\{le="\+Inf"\} 3$/m);
    expect(text).toMatch(/^x_seconds_count 3$/m);
    for (const name of ['x_accepted_total', 'x_attempts_total', 'x_depth', 'x_seconds']) {
      expect(text.match(new RegExp(`^# TYPE ${name} `, 'gm'))).toHaveLength(1);
    }
    const json = await merged.getMetricsAsJSON();
    expect(json.find((m) => m.name === 'x_accepted_total')?.values[0]?.value).toBe(60);
    expect(merged.contentType).toBe(main.contentType);
  });

  it('a thread that has ended adds nothing', async () => {
    const main = threadLike(3, 2, 1, []);
    const text = await mergedMetrics([main], async () => []).metrics();
    expect(text).toMatch(/^x_accepted_total 3$/m);
    expect(text).toMatch(/^x_attempts_total\{outcome="done"\} 2$/m);
  });
});
