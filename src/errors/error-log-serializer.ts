import { pino } from 'pino';

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
