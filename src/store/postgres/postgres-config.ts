import { defaults } from '../../defaults.js';
import { WorkosInboxError } from '../../errors/workos-inbox-error.js';
import type pg from 'pg';
import type { StoreOptions } from '../types.js';

const schemaName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The schema option is not a plain identifier. */
export class InvalidSchemaError extends WorkosInboxError {
  override readonly name = 'InvalidSchemaError';
  readonly code = 'invalid_schema';
}

/** Connection settings shared by the pool and the LISTEN client. */
export function postgresConfig(options: StoreOptions): pg.ClientConfig {
  if (options.schema !== undefined && !schemaName.test(options.schema)) {
    throw new InvalidSchemaError(
      `schema "${options.schema}" must be a plain identifier (letters, digits, underscore)`,
    );
  }
  return {
    connectionString: options.database,
    connectionTimeoutMillis: options.connectTimeoutMs ?? defaults.connectTimeoutMs.value,
    application_name: 'workos-inbox',
    // Every connection resolves the inbox's tables in the chosen schema.
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
}
