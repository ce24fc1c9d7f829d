import type { Clock } from '../clock.js';

/** Waits `ms` (a test injects one driven by its clock). */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A destination's `rate=N`: attempt starts spaced `1000 / N` ms apart on `clock`, this process's
 * share. No burst after an idle spell: the next start is at most one interval after the last.
 */
export class StartPacer {
  private nextStartAt = 0;

  constructor(
    private readonly ratePerSecond: number | undefined,
    private readonly clock: Clock,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Resolve when the next attempt may start (at once without a rate). */
  async next(): Promise<void> {
    if (this.ratePerSecond === undefined) return;
    const now = this.clock.now();
    const wait = this.nextStartAt - now;
    this.nextStartAt = Math.max(now, this.nextStartAt) + 1000 / this.ratePerSecond;
    if (wait > 0) await this.sleep(wait);
  }
}
