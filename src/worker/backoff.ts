export interface BackoffSettings {
  baseMs: number;
  capMs: number;
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
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
