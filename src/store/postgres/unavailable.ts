import { StoreUnavailableError } from '../types.js';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * Whether an error means "the server cannot be reached or refuses work right now" (retrying later
 * may succeed), as opposed to a bug in a query.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (networkCodes.has(code)) return true;
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now),
    // 53300 (too many connections).
    if (code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '53300') return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection error|Client was closed|Cannot use a pool after calling end/i.test(
    message,
  );
}

/** Wrap connection failures as StoreUnavailableError; leave other errors as they are. */
export function asUnavailable(error: unknown, doing: string): unknown {
  if (error instanceof StoreUnavailableError || !isConnectionError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`PostgreSQL unavailable while ${doing}: ${reason}`, {
    cause: error,
  });
}
