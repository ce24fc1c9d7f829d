import { defaults } from '../defaults.js';

export interface PacerOptions {
  /** The most of the wall-clock time the worker may be active while `underLoad()` holds, in (0, 1]. */
  share: number;
  /** Whether requests are being received right now. Without it the pacer never asks for a rest. */
  underLoad?: () => boolean;
  /** Milliseconds, monotonic. @defaultValue performance.now */
  now?: () => number;
  /**
   * The longest rest, however long the worker was active: a batch that waited on network I/O
   * (a remote database, a handler calling an API) took little of this process's CPU.
   * @defaultValue `defaults.workerMaxRestMs.value`
   */
  maxRestMs?: number;
  /**
   * Events per second the worker keeps processing while under load, if it can: a rest never
   * takes the rate since the pacer's window began below this, nor gets shorter than at a share
   * of one half. 0: the share alone decides (`WorkerSettings.minRateUnderLoad`).
   */
  minRate: number;
}

export interface Pacer {
  /** The worker starts something (a claim, a batch); nesting and overlap are counted once. */
  begin(): void;
  end(): void;
  /** `n` events were processed (whatever their outcome). */
  finished(n: number): void;
  /**
   * How long to rest before the next claim: while under load, enough to keep the time the
   * worker was active since the last call at `share` of the total, but no longer than keeps
   * `minRate` over the current window; otherwise 0. Resets the count.
   */
  restMs(): number;
}

/** The floor's window (`minRate`). */
const windowMs = 1000;
/** The floor raises the worker's share under load up to this, never further. */
const floorMaxShare = 0.5;

/**
 * Yielding to ingest. On one machine, receiving and processing share the CPU (and on SQLite the
 * write lock); while requests arrive, acknowledging them comes first. The worker measures how
 * long it was active (any claim or batch in progress) and, under load, rests `active × (1 −
 * share) / share` before claiming again. Time active while no request was in flight is forgiven,
 * so an idle or lightly loaded receiver costs the worker nothing. With `minRate`, a rest is cut
 * to what keeps the events processed over the current window (one second, from the first rest
 * under load) at that rate, though never below the rest of a share of one half: the share picks
 * the trade-off on a machine with time to spare, the floor bounds how far processing falls behind
 * on a slower one, and a worker that cannot reach it (slow handlers) still leaves half the time
 * to receiving.
 */
export function createPacer(options: PacerOptions): Pacer {
  const { share, underLoad } = options;
  if (!(share > 0 && share <= 1)) {
    throw new RangeError(`shareUnderLoad must be above 0 and at most 1, got ${String(share)}`);
  }
  const now = options.now ?? (() => performance.now());
  const maxRestMs = options.maxRestMs ?? defaults.workerMaxRestMs.value;
  const { minRate } = options;
  if (!(minRate >= 0 && Number.isFinite(minRate))) {
    throw new RangeError(`minRateUnderLoad must be 0 or more, got ${String(minRate)}`);
  }
  let active = 0;
  let since = 0;
  let spentMs = 0;
  // The floor's window: events finished since `windowStart` (undefined: no window open).
  let windowStart: number | undefined;
  let windowFinished = 0;
  return {
    begin() {
      if (active++ === 0) since = now();
    },
    end() {
      if (active === 0) throw new Error('pacer.end() without begin()');
      if (--active === 0) spentMs += now() - since;
    },
    finished(n) {
      windowFinished += n;
    },
    restMs() {
      const t = now();
      const spent = spentMs + (active > 0 ? t - since : 0);
      spentMs = 0;
      if (active > 0) since = t;
      if (share >= 1 || !underLoad) return 0;
      if (!underLoad()) {
        windowStart = undefined;
        return 0;
      }
      if (spent <= 0) return 0;
      const restAt = (x: number) => Math.min((spent * (1 - x)) / x, maxRestMs);
      const rest = restAt(share);
      if (minRate === 0 || share >= floorMaxShare) return rest;
      // The floor never takes the worker past half the time: receiving still comes first.
      const least = restAt(floorMaxShare);
      if (windowStart === undefined || t - windowStart >= windowMs) {
        windowStart = t;
        windowFinished = 0;
        return least;
      }
      // The longest rest after which the window's rate is still minRate.
      const allowed = (windowFinished * 1000) / minRate - (t - windowStart);
      return Math.max(least, Math.min(rest, allowed));
    },
  };
}
