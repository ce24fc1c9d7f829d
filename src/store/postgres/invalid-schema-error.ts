import { WorkosInboxError } from '../../errors/workos-inbox-error.js';

/**
 * The schema option is not a plain identifier. Its own module, not postgres-config's: that one
 * imports `pg`'s types, which a public declaration must not reach (`pg` is an optional peer, and a
 * SQLite-only consumer's `tsc` would fail on it).
 */
export class InvalidSchemaError extends WorkosInboxError {
  override readonly name = 'InvalidSchemaError';
  readonly code = 'invalid_schema';
}
