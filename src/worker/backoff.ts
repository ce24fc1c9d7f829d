export interface BackoffSettings {
  baseMs: number;
  capMs: number;
}

/** The wait after `attempt` failed (1-based) is below this: min(cap, base * 2^(attempt-1)). */
export function backoffCeilingMs(attempt: number, settings: BackoffSettings): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  return Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
}

/**
 * Delay before the next attempt after `attempt` failed (1-based), "full jitter":
 * uniform in [0, min(cap, base * 2^(attempt-1))). Spreads retries of a burst of failures.
 */
export function backoffDelayMs(
  attempt: number,
  settings: BackoffSettings,
  random: () => number,
): number {
  return Math.floor(random() * backoffCeilingMs(attempt, settings));
}

/** How long the waits between `maxAttempts` attempts add up to; see {@link retryWindowMs}. */
export interface RetryWindow {
  /** Every wait at its ceiling: the most time there can be between the first and last attempt. */
  longestMs: number;
  /** On average (each wait is uniform below its ceiling: half of it). */
  expectedMs: number;
  /** Standard deviation of the sum (a uniform wait below c varies by c² / 12). */
  standardDeviationMs: number;
}

/**
 * The time from a first attempt to the last of `maxAttempts` (the `maxAttempts - 1` waits of
 * {@link backoffDelayMs}), after which a delivery or event that keeps failing is dead. The
 * attempts' own durations (up to their timeout each) come on top.
 */
export function retryWindowMs(maxAttempts: number, settings: BackoffSettings): RetryWindow {
  let longestMs = 0;
  let variance = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) {
    const ceiling = backoffCeilingMs(attempt, settings);
    longestMs += ceiling;
    variance += (ceiling * ceiling) / 12;
  }
  return { longestMs, expectedMs: longestMs / 2, standardDeviationMs: Math.sqrt(variance) };
}
