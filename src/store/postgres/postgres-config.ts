import { defaults } from '../../defaults.js';
import { InvalidSchemaError, schemaNameProblem } from './invalid-schema-error.js';
import { sslSettings } from './ssl-mode.js';
import type pg from 'pg';
import type { StoreOptions } from '../types.js';

/** Connection settings shared by the pool and the LISTEN client. */
export function postgresConfig(options: StoreOptions): pg.ClientConfig {
  const problem = options.schema === undefined ? undefined : schemaNameProblem(options.schema);
  if (problem !== undefined) throw new InvalidSchemaError(problem);
  const { poolSize } = options;
  if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize > 0)) {
    // pg's pool would take it and then never hand out a connection: a connect timeout blaming
    // the database.
    throw new RangeError(`poolSize must be a positive integer, got ${String(poolSize)}`);
  }
  // Quoted, as CREATE SCHEMA quotes it: unquoted, `MySchema` would be looked up as `myschema`.
  const settings = [
    ...(options.schema ? [`-c search_path="${options.schema}"`] : []),
    '-c jit=off',
  ];
  return {
    ...sslSettings(options.database),
    connectionTimeoutMillis: options.connectTimeoutMs ?? defaults.connectTimeoutMs.value,
    application_name: 'workos-inbox',
    // Set at connection start-up (no extra round trip). Every connection resolves the inbox's
    // tables in the chosen schema, and runs without JIT: our statements are short (a batch, a
    // claim, a page), and once a table outgrows the planner's statistics an estimate can cross
    // `jit_above_cost`; reconcile's membership read (~0.3 ms) then spent ~7 ms compiling on every
    // call (bench:reconcile on PostgreSQL: 15.1 s with JIT, 10.9 s without, one run each).
    options: settings.join(' '),
  };
}
