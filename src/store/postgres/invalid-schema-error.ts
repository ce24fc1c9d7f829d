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

const schemaName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Why `name` cannot be the inbox's schema, or undefined when it can. */
export function schemaNameProblem(name: string): string | undefined {
  return schemaName.test(name)
    ? undefined
    : `schema "${name}" must be a plain identifier (letters, digits, underscore; at most 63)`;
}

/**
 * Why a schema cannot be given with `database`, a SQLite file: the words of `openStore`, `serve`
 * and the CLI, each naming the setting as its user wrote it (`where`).
 */
export function schemaWithSqliteProblem(where: string, database: string): string {
  return `${where} applies to a postgres:// database only, not ${database}`;
}
