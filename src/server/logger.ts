import { createRequire } from 'node:module';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { errorLogSerializer } from '../errors/error-log-serializer.js';

// pino-pretty (and its dependencies) load only when pretty output is asked for; it is CommonJS,
// so require keeps createLogger synchronous.
const require = createRequire(import.meta.url);

export interface LoggerOptions {
  level: string;
  /** JSON lines (production, pipes, log shippers) or readable lines (a terminal). */
  pretty: boolean;
}

/** Values that must never reach a log line, wherever a caller nests them. */
const redactPaths = [
  'secret',
  'secrets',
  'adminToken',
  'authorization',
  '*.secret',
  '*.secrets',
  '*.adminToken',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["workos-signature"]',
  'req.headers["workos-signature"]',
];

/** The process logger: pretty in a terminal during development, JSON everywhere else. */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: errorLogSerializer },
    base: { pid: process.pid },
  };
  if (!options.pretty) return pino(base);
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pino(base, pretty(prettyOptions(options.level)));
}

const verboseLevels = new Set(['debug', 'trace']);

/**
 * A terminal gets one line per event: an error shows as its message after the log message (a
 * failing handler would otherwise print a ~20-line stack on every retry). The stack stays in the
 * JSON logs and, at `debug`, in the terminal; the attempt log keeps the error too.
 */
export function prettyOptions(level: string): PinoPretty.PrettyOptions {
  const verbose = verboseLevels.has(level);
  return {
    colorize: true,
    translateTime: 'HH:MM:ss.l',
    ignore: verbose ? 'pid,hostname' : 'pid,hostname,err',
    ...(verbose
      ? {}
      : {
          messageFormat: (log: Record<string, unknown>, messageKey: string): string => {
            const message = String(log[messageKey] ?? '');
            const err = log.err as { message?: unknown } | undefined;
            return err && typeof err.message === 'string' ? `${message}: ${err.message}` : message;
          },
        }),
  };
}

/** Pretty output only for a person at a terminal, never in production. */
export function wantsPrettyLogs(production: boolean): boolean {
  return !production && process.stdout.isTTY === true;
}
