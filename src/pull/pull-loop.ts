import { defaults } from '../defaults.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { PullMetrics } from '../metrics/pull-metrics.js';
import type { Store } from '../store/types.js';
import { eventTimeMs } from '../workos-api/event-time.js';
import { Puller } from './puller.js';
import type { PullerOptions } from './pull-options.js';

/** The named lease that makes one process of many the puller. */
export const pullerLeaseName = 'events_api_puller';

/** Options of {@link PullLoop}. */
export interface PullLoopOptions extends Omit<PullerOptions, 'clock'> {
  store: Store;
  logger: Logger;
  metrics?: PullMetrics;
  /** Pause between catch-ups. @defaultValue `defaults.pullIntervalMs.value` */
  intervalMs?: number;
  /** How long the lease lasts unrenewed: a dead holder's lease is taken after this. @defaultValue `defaults.leaseMs.value` */
  leaseMs?: number;
  /** Called first thing in `stop()` (e.g. to cut the client's retry waits short). */
  onStop?: () => void;
  /** Who this process is (the lease owner). @defaultValue a random id */
  owner?: string;
  clock?: Clock;
}

class LeaseLostError extends Error {}

/**
 * `serve --pull` / `work --pull`: every `intervalMs`, take (or renew) the puller lease and, if this
 * process holds it, catch up; renew it after each page so a long catch-up keeps it. Errors are
 * logged and counted, never fatal: a WorkOS outage must not stop webhooks or readiness.
 */
export class PullLoop {
  private readonly owner: string;
  private readonly intervalMs: number;
  private readonly leaseMs: number;
  private readonly clock: Clock;
  private readonly puller: Puller;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private announced = false;
  /** Whether this process held the lease after the last tick. */
  holding = false;

  constructor(private readonly options: PullLoopOptions) {
    this.owner = options.owner ?? `puller-${randomUUID()}`;
    this.intervalMs = options.intervalMs ?? defaults.pullIntervalMs.value;
    this.leaseMs = options.leaseMs ?? defaults.leaseMs.value;
    this.clock = options.clock ?? systemClock;
    this.puller = new Puller({ ...options, clock: this.clock });
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule(this.intervalMs);
      });
    }, delayMs);
  }

  /** One round: lease, then catch up if held. Exposed for tests (no timers needed). */
  async tick(): Promise<void> {
    const { logger, metrics } = this.options;
    try {
      const held = this.holding;
      this.holding = await this.renew();
      metrics?.leader(this.holding);
      // Say who pulls when it changes (first round included): operators read which process it is.
      if (this.holding !== held || !this.announced) {
        this.announced = true;
        logger.info(
          { owner: this.owner },
          this.holding
            ? 'this process pulls the Events API (it holds the puller lease)'
            : 'another process pulls the Events API; standing by',
        );
      }
      if (!this.holding) return;
      const result = await this.puller.catchUp(async (_, page) => {
        const now = this.clock.now();
        metrics?.page(
          page.inserted,
          page.duplicates,
          page.newestCreatedAt ? eventTimeMs(page.newestCreatedAt) : undefined,
          now,
        );
        if (this.stopped || !(await this.renew())) throw new LeaseLostError();
      });
      metrics?.success(this.clock.now());
      if (result.inserted > 0) logger.info(result, 'pulled from the Events API');
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.holding = false;
        metrics?.leader(false);
        return;
      }
      logger.warn({ err: error }, 'Events API pull failed; trying again next round');
    }
  }

  private renew(): Promise<boolean> {
    const now = this.clock.now();
    return this.options.store.takeNamedLease(
      pullerLeaseName,
      this.owner,
      new Date(now + this.leaseMs),
      new Date(now),
    );
  }

  /** Stop after the current page, and give the lease back so another process takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.onStop?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.holding) {
      await this.options.store.releaseNamedLease(pullerLeaseName, this.owner).catch(() => {});
      this.holding = false;
    }
  }
}
