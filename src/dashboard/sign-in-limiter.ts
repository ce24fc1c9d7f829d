import type { Clock } from '../clock.js';

/** Failed sign-ins allowed per address in one window. */
export const signInAttemptsPerWindow = 10;
export const signInWindowMs = 10 * 60 * 1000;

/**
 * Slows brute force on the sign-in form: after `max` failures from one address within
 * `windowMs`, that address is refused until the window ends. Success does not reset the count
 * (a guesser who owns one valid token gains nothing).
 */
export interface SignInLimiter {
  /** Milliseconds until `address` may try again; 0 when it may try now. */
  retryAfterMs(address: string): number;
  recordFailure(address: string): void;
}

export function createSignInLimiter(
  clock: Clock,
  max = signInAttemptsPerWindow,
  windowMs = signInWindowMs,
): SignInLimiter {
  const windows = new Map<string, { start: number; failures: number }>();
  const current = (address: string) => {
    const now = clock.now();
    const entry = windows.get(address);
    if (entry && now - entry.start < windowMs) return entry;
    if (entry) windows.delete(address);
    // Bounded memory under a spray of addresses: old windows are dropped as new ones arrive.
    if (windows.size > 10_000) {
      for (const [key, value] of windows) if (now - value.start >= windowMs) windows.delete(key);
    }
    return undefined;
  };
  return {
    retryAfterMs(address) {
      const entry = current(address);
      if (!entry || entry.failures < max) return 0;
      return entry.start + windowMs - clock.now();
    },
    recordFailure(address) {
      const entry = current(address);
      if (entry) entry.failures += 1;
      else windows.set(address, { start: clock.now(), failures: 1 });
    },
  };
}
