import { pino } from 'pino';
import type { Logger } from 'pino';
import { errorLogSerializer } from '../errors/error-log-serializer.js';

/**
 * The logger an embedding app gets unless it passes its own: warnings and errors (a failing
 * handler, a batch rolled back, a store that cannot commit) as JSON lines on stderr, so a failure
 * is never silent. Pass `logger` to route them elsewhere, or `pino({ level: 'silent' })` to mute.
 */
export function createDefaultLogger(): Logger {
  return pino(
    { level: 'warn', name: 'workos-inbox', serializers: { err: errorLogSerializer } },
    process.stderr,
  );
}
