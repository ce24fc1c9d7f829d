import { pino } from 'pino';
import type { Logger } from 'pino';

interface ErrorLike {
  message: string;
  cause?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string'
  );
}

/**
 * The message and those of its causes, each once. This package's errors already end their message
 * with their cause's (`could not commit to PostgreSQL: read ECONNRESET`), so that `message` alone
 * says why; pino's own serializer appends every cause's message again (`…: read ECONNRESET: read
 * ECONNRESET`). A cause whose message is not already there is still appended, as pino does.
 */
function messageWithCauses(error: ErrorLike, seen: Set<unknown>): string {
  const cause = error.cause;
  if (!isErrorLike(cause) || seen.has(cause)) return error.message;
  seen.add(error);
  const rest = messageWithCauses(cause, seen);
  return error.message.endsWith(cause.message)
    ? error.message + rest.slice(cause.message.length)
    : `${error.message}: ${rest}`;
}

/** pino's `err` serializer (type, stack with causes, fields), with each cause's message once. */
export function errorLogSerializer(error: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(error as Error);
  if (isErrorLike(error) && typeof serialized === 'object' && serialized !== null) {
    (serialized as { message: string }).message = messageWithCauses(error, new Set());
  }
  return serialized;
}

type ErrSerializer = (error: unknown) => unknown;

/**
 * The app's own pino logger, for this package's lines: a child whose `err` serializer is the
 * app's, with each cause's message once where that serializer gave pino's message (every cause
 * appended). A message the app's serializer made itself is kept, and so is everything else it
 * does; the app's own calls on its logger are unchanged. A logger that is not pino's (no
 * serializers to read) is used as it is.
 */
export function withCausesLoggedOnce(logger: Logger): Logger {
  // createInbox hands its (wrapped) logger to the worker and receiver, which wrap what they get.
  if (wrappedLoggers.has(logger)) return logger;
  const serializers = (logger as unknown as Record<symbol, Record<string, unknown> | undefined>)[
    pino.symbols.serializersSym
  ];
  const theirs = serializers?.err;
  if (typeof theirs !== 'function') return logger;
  const err = (error: unknown): unknown => {
    const serialized = (theirs as ErrSerializer)(error);
    if (
      isErrorLike(error) &&
      isErrorLike(serialized) &&
      serialized !== error &&
      serialized.message === (pino.stdSerializers.err(error as Error) as ErrorLike).message
    ) {
      serialized.message = messageWithCauses(error, new Set());
    }
    return serialized;
  };
  const child = logger.child({}, { serializers: { err } });
  wrappedLoggers.add(child);
  return child;
}

const wrappedLoggers = new WeakSet<Logger>();
