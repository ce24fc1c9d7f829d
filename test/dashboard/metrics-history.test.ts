import { describe, expect, it } from 'vitest';
import { createMetricsHistory, quantileMs } from '../../src/dashboard/metrics-history.js';
import { createInboxMetrics } from '../../src/metrics/inbox-metrics.js';
import { createPullMetrics } from '../../src/metrics/pull-metrics.js';
import { createReconcileMetrics } from '../../src/metrics/reconcile-metrics.js';
import { manualClock } from '../inbox/helpers/events.js';

describe('the overview figures', () => {
  it('counts received, accepted and rejected per minute from the inbox counters', async () => {
    const metrics = createInboxMetrics();
    const clock = manualClock();
    const history = createMetricsHistory(metrics.registry, clock, { pull: false, timer: false });
    await history.sample(); // minute 0: nothing yet
    for (let i = 0; i < 5; i++) metrics.receiver.received();
    for (let i = 0; i < 3; i++) metrics.receiver.accepted();
    metrics.receiver.rejected('signature_mismatch');
    clock.advance(60_000);
    await history.sample(); // minute 1
    metrics.receiver.received();
    metrics.receiver.received();
    const summary = await history.summary();
    expect(summary.perMinute.received).toEqual([5, 2]);
    expect(summary.perMinute.accepted).toEqual([3, 0]);
    expect(summary.perMinute.rejected).toEqual([1, 0]);
    // The minute in progress: since the last reading.
    expect(summary.lastMinute).toEqual({ received: 2, accepted: 0, rejected: 0 });
    history.stop();
  });

  it('reads ingest p50 and p99 from the histogram, null before any request', async () => {
    const metrics = createInboxMetrics();
    const history = createMetricsHistory(metrics.registry, manualClock(), {
      pull: false,
      timer: false,
    });
    await history.sample();
    expect((await history.summary()).ingestP50Ms).toBeNull();
    for (let i = 0; i < 98; i++) metrics.receiver.ingestSeconds(0.002); // bucket 1–2.5 ms
    metrics.receiver.ingestSeconds(0.2); // 100–250 ms
    metrics.receiver.ingestSeconds(0.2);
    const { ingestP50Ms, ingestP99Ms } = await history.summary();
    expect(ingestP50Ms).toBeGreaterThan(1);
    expect(ingestP50Ms).toBeLessThanOrEqual(2.5);
    expect(ingestP99Ms).toBeGreaterThan(100);
    expect(ingestP99Ms).toBeLessThanOrEqual(250);
    history.stop();
  });

  it('interpolates quantiles inside a bucket as histogram_quantile does', () => {
    const buckets: Array<[number, number]> = [
      [0.001, 0],
      [0.002, 10],
      [Infinity, 10],
    ];
    expect(quantileMs(buckets, 0.5)).toBeCloseTo(1.5);
    expect(quantileMs([[Infinity, 0]], 0.5)).toBeNull();
  });

  it('shows the pull state from the pull metrics, and nothing when not pulling', async () => {
    const metrics = createInboxMetrics();
    const clock = manualClock();
    const pull = createPullMetrics({ registry: metrics.registry, clock });
    const off = createMetricsHistory(metrics.registry, clock, { pull: false, timer: false });
    expect(await off.pull()).toBeUndefined();
    const on = createMetricsHistory(metrics.registry, clock, { pull: true, timer: false });
    expect(await on.pull()).toMatchObject({ leader: false, lastSuccessAt: null, inserted: 0 });
    pull.leader(true);
    pull.page(7, 2, clock.now() - 3000);
    pull.success(clock.now());
    pull.apiError(503);
    expect(await on.pull()).toEqual({
      leader: true,
      lastSuccessAt: new Date(clock.now()),
      lagSeconds: 3,
      inserted: 7,
      duplicates: 2,
    });
    off.stop();
    on.stop();
  });

  it("counts reconcile's failed WorkOS requests with the pull's, by source and status", async () => {
    const metrics = createInboxMetrics();
    const clock = manualClock();
    const pull = createPullMetrics({ registry: metrics.registry, clock });
    const reconcile = createReconcileMetrics({ registry: metrics.registry });
    const history = (options: { pull: boolean; reconcile: boolean }) =>
      createMetricsHistory(metrics.registry, clock, { ...options, timer: false });
    const neither = history({ pull: false, reconcile: false });
    const reconcileOnly = history({ pull: false, reconcile: true });
    const both = history({ pull: true, reconcile: true });
    expect(await neither.apiErrors()).toBeUndefined();
    expect(await reconcileOnly.apiErrors()).toEqual({
      total: 0,
      sources: [{ source: 'reconcile', total: 0, byStatus: [] }],
    });

    reconcile.apiError(500);
    reconcile.apiError(429);
    reconcile.apiError(429);
    reconcile.apiError(undefined);
    reconcile.apiError(401);
    pull.apiError(503);
    // Reconcile on, pull off: reconcile's failures, not 0.
    expect(await reconcileOnly.apiErrors()).toEqual({
      total: 5,
      sources: [
        {
          source: 'reconcile',
          total: 5,
          byStatus: [
            { status: '401', count: 1 },
            { status: '429', count: 2 },
            { status: '500', count: 1 },
            { status: 'none', count: 1 },
          ],
        },
      ],
    });
    expect(await both.apiErrors()).toEqual({
      total: 6,
      sources: [
        { source: 'pull', total: 1, byStatus: [{ status: '503', count: 1 }] },
        expect.objectContaining({ source: 'reconcile', total: 5 }),
      ],
    });
    for (const h of [neither, reconcileOnly, both]) h.stop();
  });
});
