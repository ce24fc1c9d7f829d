import { SignatureVerificationException } from './errors.js';

/**
 * A timestamp policy: returns `t` as a number or throws `SignatureVerificationException`.
 * `checkTimestamp` (strict) is the native API's; the compat facade passes the SDK's own.
 */
export type TimestampCheck = (timestamp: string, nowMs: number, toleranceMs: number) => number;

// Digits only, at most 16: real ones have 13, and anything longer is refused before Number().
const digitsOnly = /^\d{1,16}$/;

/**
 * Checks `t` (milliseconds since the epoch) against `nowMs` in both directions.
 * The SDK only rejects old timestamps and lets a non-numeric `t` through (NaN compares false);
 * the native API and the receiver refuse both: a signature that claims a time far from now, or
 * no time at all, is not a fresh delivery. The compat facade keeps the SDK's check
 * (`checkTimestampLikeSdk`) unless `strictTimestamps` is set.
 *
 * @returns the timestamp as a number.
 * @throws SignatureVerificationException `invalid_timestamp`, `timestamp_too_old` or `timestamp_too_new`.
 */
export function checkTimestamp(timestamp: string, nowMs: number, toleranceMs: number): number {
  if (!digitsOnly.test(timestamp)) throw SignatureVerificationException.of('invalid_timestamp');
  const t = Number(timestamp);
  if (t < nowMs - toleranceMs) throw SignatureVerificationException.of('timestamp_too_old');
  if (t > nowMs + toleranceMs) throw SignatureVerificationException.of('timestamp_too_new');
  return t;
}
