import type { Clock } from './clock.js';

/** What {@link FailureRun.failed} says to log for this failure. */
export type FailureNote =
  /** The first of a run: log it in full, with its cause. */
  | { log: 'first' }
  /** `everyMs` since the last line: log a count of the failures since then. */
  | { log: 'count'; unlogged: number; failures: number; forMs: number }
  /** Counted, not logged. */
  | { log: 'none' };

/**
 * A run of failures of one kind (the database down): the first is logged in full, then one line
 * per `everyMs` counts the rest, then one line says when they stopped. A 20 s outage under load
 * otherwise logged thousands of stacks. The caller keeps its own wording; this keeps the counts.
 */
export class FailureRun {
  private failures = 0;
  private since = 0;
  private loggedAt = 0;
  private unlogged = 0;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
  ) {}

  /** One more failure: what to log for it. */
  failed(): FailureNote {
    const now = this.clock.now();
    this.failures++;
    if (this.failures === 1) {
      this.since = now;
      this.loggedAt = now;
      return { log: 'first' };
    }
    this.unlogged++;
    if (now - this.loggedAt < this.everyMs) return { log: 'none' };
    const note = {
      log: 'count' as const,
      unlogged: this.unlogged,
      failures: this.failures,
      forMs: now - this.since,
    };
    this.unlogged = 0;
    this.loggedAt = now;
    return note;
  }

  /** A success: the run that it ends (to log once), or undefined when none was going on. */
  succeeded(): { failures: number; forMs: number } | undefined {
    if (this.failures === 0) return undefined;
    const ended = { failures: this.failures, forMs: this.clock.now() - this.since };
    this.failures = 0;
    this.unlogged = 0;
    return ended;
  }
}
