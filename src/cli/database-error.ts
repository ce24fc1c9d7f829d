import { CliError, exitCodes } from './exit-codes.js';

interface DriverError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** PostgreSQL's SQLSTATE for "database does not exist" (class 3D, invalid catalog name). */
const missingDatabase = '3D000';
/** Connection failures reported by node:net, and PostgreSQL's authentication failures. */
const unreachable = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const refused = new Set(['28P01', '28000']);

/**
 * A database driver's error as the one-line message and exit code (3) that docs/cli.md promises,
 * or `undefined` when `error` is not one of them. The driver's error is kept as `cause`.
 */
export function databaseCliError(error: unknown): CliError | undefined {
  for (let e = error as DriverError | undefined, depth = 0; e && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    if (code === missingDatabase) {
      const name = /database "([^"]+)" does not exist/.exec(message)?.[1] ?? '<name>';
      return new CliError(
        `the PostgreSQL database "${name}" does not exist. Create it (\`createdb ${name}\`, or ` +
          `\`CREATE DATABASE "${name}";\` in psql), then run this again; \`workos-inbox migrate\` ` +
          'creates the tables.',
        exitCodes.database,
        'no_database',
        { cause: error },
      );
    }
    if (code !== undefined && (unreachable.has(code) || refused.has(code))) {
      return new CliError(
        `cannot connect to the database: ${message || code}`,
        exitCodes.database,
        'database_unreachable',
        { cause: error },
      );
    }
    e = e.cause as DriverError | undefined;
  }
  return undefined;
}
