import { defaults } from '../defaults.js';
import { SignatureVerificationException } from './errors.js';

/** How far `t` may be from now, either way, by default: the SDK's default (`defaults.toleranceMs`). */
export const defaultToleranceMs = defaults.toleranceMs.value;

/** One secret, or several during a rotation (valid if any of them matches any `v1`). */
export type WebhookSecret = string | readonly string[];

/**
 * A comma-separated list of secrets (`whsec_old,whsec_new` during a rotation), as
 * WORKOS_WEBHOOK_SECRET is read by `serve` and the CLI and a string `secret` by `createInbox`:
 * split on commas, trimmed, empty parts dropped. A secret never holds a comma.
 */
export function splitSecretList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The secrets as a non-empty list of non-empty strings.
 * @throws SignatureVerificationException `no_secret` (e.g. an unset environment variable).
 */
export function resolveSecrets(secret: WebhookSecret | undefined | null): readonly string[] {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? secret : [];
  const bad = list.findIndex((s) => typeof s !== 'string' || s === '');
  if (list.length === 0 || (bad >= 0 && !Array.isArray(secret))) {
    throw SignatureVerificationException.of('no_secret');
  }
  if (bad >= 0) {
    // A rotation list with one unset entry (`[process.env.OLD, process.env.NEW]`) refuses every
    // delivery: say which entry, since the others were given.
    const value: unknown = list[bad];
    const shown = value === '' ? 'empty' : value === null ? 'null' : typeof value;
    throw new SignatureVerificationException(
      `No webhook secret was given in secret[${bad}] of the list (${shown}): every secret of a ` +
        'rotation must be a non-empty string (an unset environment variable?)',
      'no_secret',
    );
  }
  return list;
}

/**
 * The tolerance in milliseconds, `defaultToleranceMs` when undefined.
 * @throws RangeError when it is not a finite number ≥ 0 (the SDK would silently accept anything).
 */
export function resolveToleranceMs(toleranceMs: number | undefined): number {
  if (toleranceMs === undefined) return defaultToleranceMs;
  if (typeof toleranceMs !== 'number' || !Number.isFinite(toleranceMs) || toleranceMs < 0) {
    // A string from the environment reads like a number: its type says why it is refused.
    const shown =
      typeof toleranceMs === 'number'
        ? String(toleranceMs)
        : `${typeof toleranceMs} ${JSON.stringify(toleranceMs) ?? String(toleranceMs)}`;
    throw new RangeError(`toleranceMs must be a finite number of milliseconds >= 0, got ${shown}`);
  }
  return toleranceMs;
}
