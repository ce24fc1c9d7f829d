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
}

export interface Pacer {
  /** The worker starts something (a claim, a batch); nesting and overlap are counted once. */
  begin(): void;
  end(): void;
  /**
   * How long to rest before the next claim: while under load, enough to keep the time the
   * worker was active since the last call at `share` of the total; otherwise 0. Resets the count.
   */
  restMs(): number;
}

/**
 * Yielding to ingest. On one machine, receiving and processing share the CPU (and on SQLite the
 * write lock); while requests arrive, acknowledging them comes first. The worker measures how
 * long it was active (any claim or batch in progress) and, under load, rests `active × (1 −
 * share) / share` before claiming again. Time active while no request was in flight is forgiven,
 * so an idle or lightly loaded receiver costs the worker nothing.
 */
export function createPacer(options: PacerOptions): Pacer {
  const { share, underLoad } = options;
  if (!(share > 0 && share <= 1)) {
    throw new RangeError(`shareUnderLoad must be above 0 and at most 1, got ${String(share)}`);
  }
  const now = options.now ?? (() => performance.now());
  const maxRestMs = options.maxRestMs ?? defaults.workerMaxRestMs.value;
  let active = 0;
  let since = 0;
  let spentMs = 0;
  return {
    begin() {
      if (active++ === 0) since = now();
    },
    end() {
      if (active === 0) throw new Error('pacer.end() without begin()');
      if (--active === 0) spentMs += now() - since;
    },
    restMs() {
      const t = now();
      const spent = spentMs + (active > 0 ? t - since : 0);
      spentMs = 0;
      if (active > 0) since = t;
      if (share >= 1 || !underLoad || spent <= 0 || !underLoad()) return 0;
      return Math.min((spent * (1 - share)) / share, maxRestMs);
    },
  };
}
