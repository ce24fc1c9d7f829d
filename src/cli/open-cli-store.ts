import { defaults } from '../defaults.js';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveDatabase } from '../server/config.js';
import { redactDatabase } from '../store/redact-database.js';
import { DatabaseDriverNotBuiltError } from '../store/load-backend.js';
import { StoreUnavailableError } from '../store/types.js';
import {
  schemaNameProblem,
  schemaWithSqliteProblem,
} from '../store/postgres/invalid-schema-error.js';
import type { SchemaStatus, Store } from '../store/types.js';
import { chooseFiles, fileSystemCliError } from './file-error.js';
import { CliError, exitCodes } from './exit-codes.js';

export interface DatabaseFlags {
  database?: string;
  dataDir?: string;
  schema?: string;
}

/** `--schema`, else WORKOS_INBOX_SCHEMA: checked as `serve` checks it (exit 2). */
export function cliSchema(
  flags: DatabaseFlags,
  database: string,
  isPostgres: boolean,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const schema = flags.schema ?? (env[defaults.schema.env] || undefined);
  if (schema === undefined) return undefined;
  const where = `${defaults.schema.flag.split(' ')[0]} (${defaults.schema.env})`;
  if (!isPostgres) {
    throw new CliError(schemaWithSqliteProblem(where, database), exitCodes.usage, 'cli_error');
  }
  const problem = schemaNameProblem(schema);
  if (problem !== undefined)
    throw new CliError(`${where}: ${problem}`, exitCodes.usage, 'cli_error');
  return schema;
}

/** WORKOS_INBOX_LOCK_NOTICE_MS: when a command waiting for SQLite's write lock says so. */
function cliLockNoticeMs(env: NodeJS.ProcessEnv = process.env): number {
  const { env: name, value } = defaults.writeLockNoticeMs;
  const given = env[name];
  if (given === undefined || given === '') return value;
  if (!/^\d+$/.test(given)) {
    throw new CliError(
      `${name} must be a whole number of milliseconds, not ${JSON.stringify(given)}`,
      exitCodes.usage,
      'cli_error',
    );
  }
  return Number(given);
}

/** `--database`, else DATABASE_URL, else the SQLite file `serve` uses by default. */
export function cliDatabase(flags: DatabaseFlags, env: NodeJS.ProcessEnv = process.env): string {
  const cwd = process.cwd();
  const dataDir = resolve(
    cwd,
    flags.dataDir ?? (env[defaults.dataDir.env] || defaults.dataDir.value),
  );
  return resolveDatabase(flags.database ?? (env[defaults.database.env] || undefined), dataDir, cwd);
}

/**
 * Whether the SQLite file `path` is known not to exist. Not when its folder may not be read
 * (EACCES): `existsSync` says false there, and "no inbox database, start serve here" sent the user
 * after a database that may well be there; opening it says what to change instead (exit 2).
 */
function isAbsent(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'EACCES' && code !== 'EPERM';
  }
}

/**
 * The file that takes the place of a folder on the way to the SQLite file `database` (`data` for
 * `data/inbox.db`), or undefined.
 */
function fileInTheWay(database: string): string | undefined {
  for (let folder = dirname(resolve(database)); ; folder = dirname(folder)) {
    let stat;
    try {
      stat = statSync(folder, { throwIfNoEntry: false });
    } catch {
      // ENOTDIR: a file further up; EACCES and the like: look further up too.
    }
    if (stat) return stat.isDirectory() ? undefined : folder;
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * Open the inbox's database for a CLI command, run `fn`, close. Unless `migrate` is set, the
 * schema must already match this build: reading a half-migrated database would mislead. With
 * `migrate`, `fn` gets the migrations it applied.
 */
export async function withCliStore<T>(
  flags: DatabaseFlags,
  fn: (store: Store, applied: readonly string[]) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const database = cliDatabase(flags);
  const shown = redactDatabase(database);
  // Loaded here, not at start-up: `--help` and `sign` should not pay for the database drivers.
  const { InvalidDatabaseError, isPostgresUrl, openStore } = await import('../store/open-store.js');
  const { resolveMirror } = await import('../inbox/mirror-setup.js');
  const schema = cliSchema(flags, shown, isPostgresUrl(database));
  const lockNoticeMs = cliLockNoticeMs();
  if (!options.migrate && !isPostgresUrl(database) && isAbsent(database)) {
    // Else "start serve here" sent the user to a serve that cannot create it either (exit 2).
    const file = fileInTheWay(database);
    if (file !== undefined) {
      throw new CliError(
        `no inbox database can be at ${shown}: ${file} is a file, not a folder. Change the path: ${chooseFiles}`,
        exitCodes.usage,
        'cli_error',
      );
    }
    throw new CliError(
      // A serve started with --data-dir keeps its inbox there: name that flag too.
      `no inbox database at ${shown}: start \`workos-inbox serve\` here, run \`workos-inbox migrate\`, or pass the --data-dir or --database serve was given`,
      exitCodes.database,
      'no_database',
    );
  }
  let store: Store;
  try {
    // A command runs one query at a time: two connections are plenty, and leave the server's.
    store = await openStore({
      database,
      migrationSets: resolveMirror(true).migrationSets,
      poolSize: 2,
      // A running serve may hold SQLite's write lock for a while: say so rather than seem hung.
      writeLockNoticeMs: lockNoticeMs,
      onWriteLockWait: ({ busyTimeoutMs }) =>
        process.stderr.write(
          `workos-inbox: waiting for the write lock of ${shown}, held by another process ` +
            `(a running serve or work?); giving up after ${busyTimeoutMs / 1000} s\n`,
        ),
      ...(schema !== undefined ? { schema } : {}),
    });
  } catch (error) {
    // What the store says already names the database and what to check.
    if (error instanceof DatabaseDriverNotBuiltError) throw error;
    if (error instanceof StoreUnavailableError) {
      throw new CliError(error.message, exitCodes.database, 'store_unavailable', { cause: error });
    }
    // The database's folder cannot be made (a file in the way, no permission): said as `serve`
    // says it, exit 2. The store's InvalidDatabaseError carries Node's error as its cause; when it
    // is not a mkdir (a file or folder this user may not read or write), its own words say more.
    const cause = error instanceof InvalidDatabaseError ? error.cause : error;
    const fileSystem =
      error instanceof InvalidDatabaseError && (cause as { syscall?: unknown })?.syscall !== 'mkdir'
        ? undefined
        : fileSystemCliError(cause);
    if (fileSystem) throw fileSystem;
    // A database path that cannot be one (a folder): the store's words, exit 2 as every
    // InvalidDatabaseError (a setting to change, not an outage to wait out).
    if (error instanceof InvalidDatabaseError) throw error;
    throw new CliError(
      `cannot open the database ${shown}: ${(error as Error).message}`,
      exitCodes.database,
      'store_unavailable',
    );
  }
  try {
    let applied: string[] = [];
    if (options.migrate) {
      applied = await store.migrate();
    } else {
      const status = await store.checkSchema();
      if (!status.ok && status.empty) {
        // Listing every migration as "not applied" and advising `migrate` sent a mistyped
        // --schema to create an empty inbox beside the real one.
        const where = schema === undefined ? shown : `schema "${schema}" of ${shown}`;
        throw new CliError(
          `${where} holds no workos-inbox tables: check --database${schema === undefined ? '' : ' and --schema'}. ` +
            'If it is meant to be a new inbox, `workos-inbox migrate` creates them (serve also does at start).',
          exitCodes.database,
          'schema_mismatch',
        );
      }
      if (!status.ok) {
        throw new CliError(
          `the database ${shown} does not match this version of workos-inbox:\n  - ${status.problems.join('\n  - ')}\n${schemaAdvice(status)}`,
          exitCodes.database,
          'schema_mismatch',
        );
      }
    }
    return await fn(store, applied);
  } finally {
    await store.close();
  }
}

/**
 * What to do about `problems`: migrate, unless a newer build migrated the database, which this
 * older one cannot undo (its `migrate` refuses the same way).
 */
export function schemaAdvice(status: Pick<SchemaStatus, 'migratedByNewerBuild'>): string {
  return status.migratedByNewerBuild
    ? 'Use the workos-inbox version that migrated it (or a newer one): `migrate` of this older version cannot change a newer schema.'
    : 'Run `workos-inbox migrate` (serve also migrates at start).';
}
