import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/** A `list` cursor that this store did not issue (or that was cut short). */
export class InvalidCursorError extends WorkosInboxError {
  override readonly name = 'InvalidCursorError';
  readonly code = 'invalid_cursor';
}

/** A position in `received_at, id` order: the last row of the previous page. */
export interface CursorPosition {
  receivedAt: Date;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt.toISOString(), position.id])).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one returned by list()');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    Number.isNaN(new Date(parsed[0]).getTime())
  ) {
    throw new InvalidCursorError('cursor is not one returned by list()');
  }
  return { receivedAt: new Date(parsed[0]), id: parsed[1] };
}
