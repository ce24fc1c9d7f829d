import { InvalidDatabaseError } from '../open-store.js';
import { MigrationFailedError, StoreUnavailableError } from '../types.js';

/** PostgreSQL's SQLSTATE for "database does not exist" (class 3D, invalid catalog name). */
export const missingDatabaseCode = '3D000';

/**
 * What to do about a PostgreSQL database that does not exist, in the words of the library and
 * the CLI (which adds how to carry on).
 */
export function missingDatabaseAdvice(name: string): string {
  return (
    `the PostgreSQL database "${name}" does not exist. Create it (\`createdb ${name}\`, or ` +
    `\`CREATE DATABASE "${name}";\` in psql)`
  );
}

/** The name in the server's `database "x" does not exist`. */
export function missingDatabaseName(message: string): string {
  return /database "([^"]+)" does not exist/.exec(message)?.[1] ?? '<name>';
}

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

/**
 * Wrap connection failures as StoreUnavailableError and a missing database as
 * InvalidDatabaseError; leave other errors as they are.
 */
export function asUnavailable(error: unknown, doing: string): unknown {
  // Not an outage: retrying cannot help, and the driver's bare 3D000 does not say what to do.
  if ((error as { code?: unknown } | null)?.code === missingDatabaseCode) {
    const name = missingDatabaseName(error instanceof Error ? error.message : '');
    return new InvalidDatabaseError(
      `${missingDatabaseAdvice(name)}; the inbox creates its tables in it when it starts`,
      { cause: error },
    );
  }
  // A migration cut off by a lost connection is an outage, not a bad migration.
  if (error instanceof MigrationFailedError && isConnectionError(error.cause)) {
    return asUnavailable(error.cause, doing);
  }
  if (error instanceof StoreUnavailableError || !isConnectionError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`PostgreSQL unavailable while ${doing}: ${reason}`, {
    cause: error,
  });
}
