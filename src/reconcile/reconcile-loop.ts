import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { ReconcileMetrics } from '../metrics/reconcile-metrics.js';
import type { Store } from '../store/types.js';
import type { ListSource } from './list-pages.js';
import { LeaseLoop, LeaseLostError } from '../leases/lease-loop.js';
import { reconcile } from './reconcile.js';
import { ReconcileStoppedError } from './reconcile-errors.js';
import { classifyChanges, emptyTables } from './filled-rows.js';
import type { ReconcileTableName } from './reconcile-tables.js';
import { defaults } from '../defaults.js';
import { readNamedLease } from '../store/pull-operations.js';
import { sleepUnlessAborted } from '../workos-api/abortable-sleep.js';
import { pauseReason } from '../leases/workos-pause.js';
import { retryAfterAsked } from '../workos-api/workos-api-errors.js';
import type { WorkosApiUnavailableError } from '../workos-api/workos-api-errors.js';

/** The named lease that makes one process of many the one that reconciles, and spaces the runs. */
export const reconcileLeaseName = 'mirror_reconcile';

/**
 * The named lease held while a reconcile runs, and only then: by the periodic one and by the
 * `reconcile` command alike, so two never run on one database at once (each would read every list
 * from WorkOS again, against its rate limits, and write the same rows). Separate from
 * {@link reconcileLeaseName}, which the periodic one keeps between runs to space them.
 */
export const reconcileRunLeaseName = 'mirror_reconcile_run';

/** The lease of one reconcile run (not started as a loop: take, keep, release, stop). */
export function reconcileRunLease(options: {
  store: Store;
  owner: string;
  leaseMs: number;
  clock: Clock;
  onStop?: () => void;
  heartbeatMs?: number;
}): LeaseLoop {
  return new LeaseLoop({
    ...options,
    name: reconcileRunLeaseName,
    intervalMs: options.leaseMs,
    round: () => Promise.resolve(),
    label: 'reconcile run',
  });
}

/** Options of {@link ReconcileLoop}. */
export interface ReconcileLoopOptions {
  store: Store;
  api: ListSource;
  logger: Logger;
  metrics?: ReconcileMetrics;
  /** Time between two runs, across all processes. */
  everyMs: number;
  /** How long the lease lasts unrenewed during a run (renewed after each page).
   * @defaultValue `defaults.reconcileLeaseMs.value` */
  leaseMs?: number;
  /** How often the leases are renewed during a run, between pages too. @defaultValue a third of `leaseMs` */
  heartbeatMs?: number;
  /** Called first thing in `stop()` (e.g. to cut the client's retry waits short). */
  onStop?: () => void;
  owner?: string;
  clock?: Clock;
  /**
   * Waits `ms`, or less once `signal` aborts (on `stop()`): the pause a long `Retry-After` asks
   * for. For tests. @defaultValue a timer
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * `serve/work --reconcile-every`: one process at a time reconciles, through a lease in the
 * database. The process that ran keeps the lease until the next run is due, so with any number
 * of processes the runs are `everyMs` apart; if it dies, another takes over when the lease ends.
 * Errors are logged and counted as failed runs, never fatal; a run that shutdown ends is no
 * failure (said at info, not counted). A `Retry-After` longer than the client waits pauses the
 * run until then; it then goes on from the request WorkOS refused.
 */
export class ReconcileLoop {
  private readonly clock: Clock;
  private readonly loop: LeaseLoop;
  private readonly run: LeaseLoop;
  /** This process ran last: not before this time again. */
  private nextDueMs = Number.NEGATIVE_INFINITY;
  /** Aborted by `stop()`: ends a pause at once. */
  private readonly stopping = new AbortController();
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** WorkOS asked (Retry-After) not to be asked again before this time (the clock's), this run. */
  private pausedUntil: number | undefined;

  constructor(private readonly options: ReconcileLoopOptions) {
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? sleepUnlessAborted;
    const owner = options.owner ?? `reconcile-${randomUUID()}`;
    const leaseMs = options.leaseMs ?? defaults.reconcileLeaseMs.value;
    const { heartbeatMs } = options;
    this.run = reconcileRunLease({
      store: options.store,
      owner,
      leaseMs,
      heartbeatMs,
      clock: this.clock,
    });
    this.loop = new LeaseLoop({
      store: options.store,
      name: reconcileLeaseName,
      owner,
      leaseMs,
      heartbeatMs,
      // Look again at least this often: another process's slot may have ended.
      intervalMs: Math.min(options.everyMs, defaults.reconcileLookAgainMs.value),
      round: () => this.tick(),
      onStop: () => {
        this.stopping.abort();
        options.onStop?.();
      },
      label: 'reconcile',
      clock: this.clock,
    });
  }

  start(): void {
    this.loop.start();
  }

  /**
   * One round: if the lease is free (or this process's and the run is due), reconcile. Returns
   * whether this process ran. Exposed for tests (no timers needed). While another reconcile runs
   * (a `workos-inbox reconcile`, which holds only the run lease), the round waits for it: looked
   * at again after `reconcileLookAgainMs`, not a whole interval later.
   */
  async tick(): Promise<boolean> {
    const { logger } = this.options;
    if (this.clock.now() < this.nextDueMs) return false;
    if (!(await this.loop.renew())) return false;
    if (!(await this.run.renew())) {
      const holder = await this.options.store
        .read((db) => readNamedLease(db, reconcileRunLeaseName))
        .catch(() => undefined);
      logger.info(
        { holder: holder?.owner, until: holder?.expiresAt },
        'another reconcile is running on this database; this one waits for it to end',
      );
      return false;
    }
    try {
      // A pause the run lease carries: asked for by WorkOS of a run before this one (its process
      // killed, restarted or replaced by a deploy, or a `reconcile` by hand). WorkOS's limits
      // are per key: no request before then. The slot is kept until then, as after a run.
      const pause = await this.run.pauseToWait(({ reason }, at) =>
        logger.warn(
          { until: at, reason },
          `reconcile waits until ${at}: WorkOS asked not to be asked again before then (${reason}), a pause kept in the database; the run starts then`,
        ),
      );
      if (pause) {
        const until = pause.until.getTime();
        this.nextDueMs = until;
        await this.loop.take(until).catch(() => false);
        return false;
      }
      return await this.runOnce();
    } finally {
      await this.run.release();
    }
  }

  private async runOnce(): Promise<true> {
    const { logger, metrics } = this.options;
    const started = this.clock.now();
    logger.info({ owner: this.loop.owner }, 'reconciling the mirror with WorkOS');
    let ok = false;
    let empty: ReadonlySet<ReconcileTableName> | undefined;
    this.pausedUntil = undefined;
    try {
      // Rows created where the mirror had none are its first fill, not drift (see filled-rows.ts).
      empty = await emptyTables(this.options.store);
      // Both leases renewed after each page and on a heartbeat between pages.
      const result = await this.loop.hold(() =>
        this.run.hold(() =>
          reconcile({
            db: this.options.store,
            api: this.pausing(this.options.api),
            clock: this.clock,
            onPage: async () => {
              await this.loop.keep();
              await this.run.keep();
            },
          }),
        ),
      );
      ok = true;
      const seconds = (this.clock.now() - started) / 1000;
      const { filled, repaired } = classifyChanges(result.counts, empty);
      metrics?.success({ filled, repaired }, this.clock.now(), seconds);
      logger.info(
        { repaired, filled, pages: result.pages, objects: result.objects, seconds },
        Object.keys(repaired).length > 0
          ? 'reconcile repaired the mirror'
          : Object.keys(filled).length > 0
            ? 'reconcile filled empty mirror tables'
            : 'reconcile: the mirror matches WorkOS',
      );
    } catch (error) {
      const counts = error instanceof ReconcileStoppedError ? error.counts : undefined;
      const changes = counts && empty ? classifyChanges(counts, empty) : undefined;
      if (this.loop.stopped) {
        // Shutdown (a deploy) ended the run: no failure, so an alert on failed runs does not
        // fire on every deploy. What it wrote still counts.
        metrics?.interrupted(changes);
        const { pausedUntil } = this;
        const until =
          pausedUntil !== undefined && pausedUntil > this.clock.now()
            ? new Date(pausedUntil).toISOString()
            : undefined;
        logger.info(
          {
            stoppedAt: error instanceof ReconcileStoppedError ? error.stoppedAt : undefined,
            until,
          },
          until === undefined
            ? 'reconcile stopped by shutdown; the next run starts over'
            : `reconcile stopped by shutdown during the pause WorkOS asked for; the next run starts over, not before ${until}`,
        );
      } else {
        metrics?.failure(changes, this.clock.now(), (this.clock.now() - started) / 1000);
        logger.warn({ err: error }, 'reconcile stopped; the next run starts over');
      }
    } finally {
      // Keep the slot until the next run is due, so other processes do not run it again now.
      this.nextDueMs = this.clock.now() + this.options.everyMs;
      if (!this.loop.stopped || ok) {
        await this.loop.take(this.nextDueMs).catch(() => false);
      } else if (this.pausedUntil !== undefined && this.pausedUntil > this.clock.now()) {
        // Stopped during a pause: no process (this one restarted included) asks WorkOS again
        // before the time it named; the next run starts over.
        await this.loop.take(this.pausedUntil).catch(() => false);
      }
    }
    return true;
  }

  /**
   * `api`, waiting out a `Retry-After` longer than the client waits (the client gives up on it at
   * once), then asking again for what WorkOS refused: the run goes on from there, and nothing it
   * read before is asked for again (starting over would read every list again, against the very
   * rate limit that asked for the pause). Both leases are renewed by their heartbeat meanwhile.
   */
  private pausing(api: ListSource): ListSource {
    return {
      get: async (path) => {
        for (;;) {
          try {
            return await api.get(path);
          } catch (error) {
            const asked = retryAfterAsked(error);
            if (asked?.retryAfterMs === undefined || this.loop.stopped) throw error;
            await this.pause(asked, asked.retryAfterMs);
          }
        }
      },
    };
  }

  private async pause(error: WorkosApiUnavailableError, ms: number): Promise<void> {
    const { logger } = this.options;
    this.pausedUntil = this.clock.now() + ms;
    const until = new Date(this.pausedUntil).toISOString();
    // Kept with the run lease, so that a process taking over (this one restarted included, or a
    // `reconcile` by hand) does not ask sooner if this one dies during the pause; recorded before it
    // is said, so the line means it is kept.
    await this.run.recordPause(this.pausedUntil, pauseReason(error)).catch((cause: unknown) => {
      logger.warn(
        { err: cause },
        'the pause WorkOS asked for could not be recorded in the database: a process that takes over reconciling may ask before it ends',
      );
    });
    logger.warn(
      { err: error, until },
      `reconcile paused until ${until}, as WorkOS's Retry-After asks; it then goes on with the request WorkOS refused (what it read so far is not read again)`,
    );
    await this.sleep(ms, this.stopping.signal);
    if (this.loop.stopped) {
      throw new LeaseLostError(`stopped during the pause WorkOS asked for (until ${until})`);
    }
    this.pausedUntil = undefined;
    // Another process took a lease meanwhile (this one's renewals failed): it ends here, without
    // asking WorkOS again.
    await this.loop.keep();
    await this.run.keep();
  }

  /** Stop after the current page (a pause ends at once); the lease stays until the next run is due. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
