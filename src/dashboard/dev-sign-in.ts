import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { sameSecret } from './session.js';

/** How long the link printed at start works (if nobody used it). */
export const devSignInTtlMs = 60 * 60 * 1000;

/**
 * One-time sign-in codes for development: `npm start` prints a link carrying one. It is not the
 * admin token, works once, expires, and the page it opens redirects away at once, so neither the
 * token nor a working code stays in the browser's history. Never logged.
 */
export interface DevSignInCodes {
  issue(): string;
  /** True once per issued code, before it expires. */
  consume(code: string | null | undefined): boolean;
}

export function createDevSignInCodes(clock: Clock, ttlMs = devSignInTtlMs): DevSignInCodes {
  const codes = new Map<string, number>();
  return {
    issue() {
      const code = randomBytes(24).toString('base64url');
      codes.set(code, clock.now() + ttlMs);
      return code;
    },
    consume(code) {
      if (!code) return false;
      for (const [known, expiresAt] of codes) {
        if (sameSecret(known, code)) {
          codes.delete(known);
          return expiresAt > clock.now();
        }
      }
      return false;
    },
  };
}
