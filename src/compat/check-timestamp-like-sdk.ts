import { SignatureVerificationException } from '../signature/errors.js';

/**
 * The timestamp check of `@workos-inc/node` 11.0.0, as its `verifyHeader` runs it:
 * `parseInt(t, 10) < now - tolerance` and nothing else. It is one-sided (a `t` in the future,
 * like the SDK's own tests' `Date.now() * 1000`, passes) and lets a `t` that does not parse
 * through (`NaN < x` is false); `parseInt` reads a numeric prefix (`"12abc"` is 12).
 * The tolerance is used as given, coerced as the SDK's subtraction coerces it.
 *
 * The compat facade uses it so code and test suites written against the SDK behave the same;
 * `strictTimestamps: true` swaps in the native `checkTimestamp`.
 *
 * @returns the parsed timestamp, `NaN` when it does not parse.
 * @throws SignatureVerificationException `timestamp_too_old`, with the SDK's message.
 */
export function checkTimestampLikeSdk(
  timestamp: string,
  nowMs: number,
  toleranceMs: number,
): number {
  const t = parseInt(timestamp, 10);
  if (t < nowMs - toleranceMs) throw SignatureVerificationException.of('timestamp_too_old');
  return t;
}
