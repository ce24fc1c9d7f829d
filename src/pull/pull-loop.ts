import { defaults } from '../defaults.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { PullMetrics } from '../metrics/pull-metrics.js';
import type { Store } from '../store/types.js';
import { eventTimeMs } from '../workos-api/event-time.js';
import { retryAfterAsked } from '../workos-api/workos-api-errors.js';
import { LeaseLoop, LeaseLostError } from '../leases/lease-loop.js';
import { pauseReason } from '../leases/workos-pause.js';
import { PullCursorRejectedError } from './pull-errors.js';
import { Puller } from './puller.js';
import type { PullerOptions } from './pull-options.js';

/** How often a cursor WorkOS keeps refusing is logged again. */
const refusedLogEveryMs = 10 * 60_000;

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
  /** How often the lease is renewed while pulling, between pages too. @defaultValue a third of `leaseMs` */
  heartbeatMs?: number;
  /** Called first thing in `stop()` (e.g. to cut the client's retry waits short). */
  onStop?: () => void;
  /**
   * `--pull-since` as given, when it was: the first round logs that it is not used if the
   * database already has a cursor (it only places the first pull).
   */
  sinceGiven?: string;
  /** Who this process is (the lease owner). @defaultValue a random id */
  owner?: string;
  clock?: Clock;
}

/**
 * `serve --pull` / `work --pull`: every `intervalMs`, take (or renew) the puller lease and, if this
 * process holds it, catch up; renew it after each page and on a heartbeat between them, so a long
 * catch-up keeps it whatever it waits for. Errors are
 * logged and counted, never fatal: a WorkOS outage must not stop webhooks or readiness.
 */
export class PullLoop {
  private readonly clock: Clock;
  private readonly puller: Puller;
  private readonly loop: LeaseLoop;
  private announced = false;
  private sinceChecked = false;
  /** When a refused cursor was last logged (the runner's clock), or undefined. */
  private refusedLoggedAt: number | undefined;
  /** WorkOS asked (Retry-After) not to be asked again before this time (the runner's clock). */
  private pausedUntil: number | undefined;
  /** Whether this process held the lease after the last tick. */
  holding = false;

  constructor(private readonly options: PullLoopOptions) {
    this.clock = options.clock ?? systemClock;
    this.puller = new Puller({ ...options, clock: this.clock });
    this.loop = new LeaseLoop({
      store: options.store,
      name: pullerLeaseName,
      owner: options.owner ?? `puller-${randomUUID()}`,
      leaseMs: options.leaseMs ?? defaults.leaseMs.value,
      heartbeatMs: options.heartbeatMs,
      intervalMs: options.intervalMs ?? defaults.pullIntervalMs.value,
      round: () => this.tick(),
      onStop: options.onStop,
      label: 'puller',
      clock: this.clock,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** One round: lease, then catch up if held. Exposed for tests (no timers needed). */
  async tick(): Promise<void> {
    const { logger, metrics } = this.options;
    try {
      const held = this.holding;
      this.holding = await this.loop.renew();
      metrics?.leader(this.holding);
      // Say who pulls when it changes (first round included): operators read which process it is.
      if (this.holding !== held || !this.announced) {
        this.announced = true;
        logger.info(
          { owner: this.loop.owner },
          this.holding
            ? 'this process pulls the Events API (it holds the puller lease)'
            : 'another process pulls the Events API; standing by',
        );
      }
      if (!this.holding) return;
      // Each round would only be refused again until then (and log a warning every 5 s).
      if (this.pausedUntil !== undefined && this.clock.now() < this.pausedUntil) return;
      this.pausedUntil = undefined;
      // A pause the lease carries: asked for by WorkOS of a process that held it before (killed,
      // restarted, replaced by a deploy, or a `pull`). WorkOS's limits are per key: wait too.
      const pause = await this.loop.pauseToWait(({ reason }, at) =>
        logger.warn(
          { until: at, reason },
          `Events API pull waits until ${at}: WorkOS asked not to be asked again before then (${reason}), a pause kept in the database; webhooks are still received, and pulling goes on from the cursor then`,
        ),
      );
      if (pause) return;
      await this.checkSince();
      const result = await this.loop.hold(() =>
        this.puller.catchUp(async (_, page) => {
          metrics?.page(
            page.inserted,
            page.duplicates,
            page.newestCreatedAt ? eventTimeMs(page.newestCreatedAt) : undefined,
          );
          await this.loop.keep();
        }),
      );
      metrics?.success(this.clock.now());
      this.refusedLoggedAt = undefined;
      if (result.inserted > 0) logger.info(result, 'pulled from the Events API');
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.holding = false;
        metrics?.leader(false);
        return;
      }
      if (error instanceof PullCursorRejectedError) {
        // Retrying cannot help until someone resets the cursor: said once, then every
        // `refusedLogEveryMs` while it lasts, not every round.
        const now = this.clock.now();
        if (this.refusedLoggedAt === undefined || now - this.refusedLoggedAt >= refusedLogEveryMs) {
          this.refusedLoggedAt = now;
          logger.error(
            { err: error },
            'Events API pull cannot go on: WorkOS refused the stored cursor. Stop this process (or restart it without --pull), run the `workos-inbox pull --reset-cursor` the error names, then start pulling again. Webhooks are still received (logged again every 10 minutes while this lasts)',
          );
        }
        return;
      }
      // Stopping ends the request in flight (onStop): that is no failure to report.
      if (this.loop.stopped) return;
      const asked = retryAfterAsked(error);
      if (asked?.retryAfterMs !== undefined) {
        const until = this.clock.now() + asked.retryAfterMs;
        this.pausedUntil = until;
        // Kept with the lease, so that a process taking it over (this one restarted included)
        // does not ask sooner; recorded before it is said, so the line means it is kept.
        await this.loop.recordPause(until, pauseReason(asked)).catch((cause: unknown) => {
          logger.warn(
            { err: cause },
            'the pause WorkOS asked for could not be recorded in the database: a process that takes over pulling may ask before it ends',
          );
        });
        logger.warn(
          { err: error, until: new Date(until).toISOString() },
          `Events API pull paused until ${new Date(until).toISOString()}, as WorkOS's Retry-After asks; webhooks are still received, and pulling goes on from the cursor then`,
        );
        return;
      }
      logger.warn({ err: error }, 'Events API pull failed; trying again next round');
    }
  }

  /** Once, on the first round this process pulls: say so if a stored cursor overrides `sinceGiven`. */
  private async checkSince(): Promise<void> {
    const given = this.options.sinceGiven;
    if (this.sinceChecked || given === undefined) return;
    this.sinceChecked = true;
    const stored = await this.options.store.pullCursor(this.puller.cursorName);
    if (!stored?.after && !stored?.rangeStart) return;
    this.options.logger.warn(
      { cursor: stored.after ?? stored.rangeStart },
      `--pull-since ${given} is not used: this database already pulls on from its cursor (it only places the first pull). To start over from it, stop this process and run \`workos-inbox pull --reset-cursor --since ${given}\``,
    );
  }

  /** Stop after the current page, and give the lease back so another process takes over at once. */
  async stop(): Promise<void> {
    await this.loop.stop();
    if (this.holding) {
      await this.loop.release();
      this.holding = false;
    }
  }
}
