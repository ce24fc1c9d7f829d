import { defaults } from '../defaults.js';
import type { Logger } from 'pino';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import type { Clock } from '../clock.js';
import type { PruneResult, Store } from '../store/types.js';

/** Retention in the background of `serve` / `work` (`--retention`). */
export interface RetentionSettings {
  /** Prune processed events received longer ago than this, in ms. */
  olderThanMs: number;
  /** Also prune dead events. @defaultValue false */
  includeDead?: boolean;
  /** Time between two runs, in ms. @defaultValue min(1 hour, max(1 minute, olderThanMs / 10)) */
  intervalMs?: number;
  /** See PruneOptions.batchSize. */
  batchSize?: number;
  /** See PruneOptions.budgetMs. */
  budgetMs?: number;
}

export interface RetentionLoop {
  /** One run now (also what the timer calls); runs never overlap within a process. */
  runOnce(): Promise<PruneResult>;
  start(): void;
  /** Stop the timer and wait for a run in progress. */
  stop(): Promise<void>;
}

/** Retention settings cannot be used. */
export class InvalidRetentionError extends WorkosInboxError {
  override readonly name = 'InvalidRetentionError';
  readonly code = 'invalid_retention';
}

/**
 * Refuse settings the timer cannot use: NaN (an unset environment variable read with `Number`)
 * made the interval NaN, which Node's timers take as 1 ms, and every run failed: a log line and a
 * database round trip, a thousand times a second. The rules are the CLI's (`--retention`,
 * `--retention-interval`).
 */
export function checkRetentionSettings(settings: RetentionSettings): void {
  if (typeof settings !== 'object' || settings === null) {
    throw new InvalidRetentionError(
      `retention must be an object such as { olderThanMs: 30 * 86_400_000 }, got ${JSON.stringify(settings)}`,
    );
  }
  const { olderThanMs, intervalMs, batchSize, budgetMs } = settings;
  if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 60_000) {
    throw new InvalidRetentionError(
      `retention.olderThanMs must be a number of ms, a minute (60000) or more, got ${String(olderThanMs)}`,
    );
  }
  if (
    intervalMs !== undefined &&
    (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 1000)
  ) {
    throw new InvalidRetentionError(
      `retention.intervalMs must be a number of ms, a second (1000) or more, got ${String(intervalMs)}`,
    );
  }
  for (const [name, value] of [
    ['batchSize', batchSize],
    ['budgetMs', budgetMs],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new InvalidRetentionError(
        `retention.${name} must be a positive integer, got ${String(value)}`,
      );
    }
  }
}

export function retentionIntervalMs(settings: RetentionSettings): number {
  return (
    settings.intervalMs ??
    Math.min(
      defaults.retentionIntervalMaxMs.value,
      Math.max(defaults.retentionIntervalMinMs.value, settings.olderThanMs / 10),
    )
  );
}

/**
 * Prune on a timer. Runs never overlap within a process. Every process running the worker prunes
 * the same shared database, and that needs no election: a batch takes only rows nobody pruned yet
 * (PostgreSQL's SKIP LOCKED keeps concurrent runs on different rows; SQLite serialises them), so
 * a second process at most finds little left to do.
 */
export function createRetentionLoop(options: {
  store: Store;
  clock: Clock;
  logger: Logger;
  settings: RetentionSettings;
}): RetentionLoop {
  const { store, clock, logger, settings } = options;
  checkRetentionSettings(settings);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PruneResult> | undefined;
  let stopped = false;

  const runOnce = (): Promise<PruneResult> => {
    running ??= (async () => {
      const now = clock.now();
      const result = await store.prune({
        receivedBefore: new Date(now - settings.olderThanMs),
        now: new Date(now),
        ...(settings.includeDead ? { includeDead: true } : {}),
        ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
        ...(settings.budgetMs !== undefined ? { budgetMs: settings.budgetMs } : {}),
      });
      if (result.pruned > 0) logger.info(result, 'retention: pruned processed events');
      return result;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => logger.warn({ err: error }, 'retention: prune failed'))
        .finally(schedule);
    }, retentionIntervalMs(settings));
    // Retention alone must not keep a process alive.
    timer.unref();
  };

  return {
    runOnce,
    start() {
      stopped = false;
      if (timer === undefined) {
        // The first run soon after start, then on the interval.
        timer = setTimeout(() => {
          runOnce()
            .catch((error: unknown) => logger.warn({ err: error }, 'retention: prune failed'))
            .finally(schedule);
        }, 1000);
        timer.unref();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
