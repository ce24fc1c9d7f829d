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
  const { connectionString, ...ssl } = sslSettings(options.database);
  // pg lays the URL's parameters over this config, so a URL's `options` (`?options=-c
  // statement_timeout=5000`, as libpq takes) would replace ours: the tables would be looked up in
  // the wrong schema. They are joined instead, the URL's (or PGOPTIONS, as libpq reads it when the
  // URL has none) first, ours last, so that for the same setting ours wins.
  const { url, value: theirs } = takeQueryParameter(connectionString, 'options');
  // Quoted, as CREATE SCHEMA quotes it: unquoted, `MySchema` would be looked up as `myschema`.
  const settings = [
    ...[theirs ?? process.env.PGOPTIONS].filter((o): o is string => Boolean(o?.trim())),
    ...(options.schema ? [`-c search_path="${options.schema}"`] : []),
    '-c jit=off',
  ];
  return {
    ...ssl,
    connectionString: url,
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

/** `url` without its query parameter `key`, and that parameter's value (the last, as pg reads). */
function takeQueryParameter(url: string, key: string): { url: string; value?: string } {
  const at = url.indexOf('?');
  if (at < 0) return { url };
  const hash = url.indexOf('#', at);
  const query = new URLSearchParams(url.slice(at + 1, hash < 0 ? undefined : hash));
  const value = query.getAll(key).at(-1);
  if (value === undefined) return { url };
  query.delete(key);
  const rest = query.toString();
  return { url: `${url.slice(0, at)}${rest ? `?${rest}` : ''}`, value };
}
