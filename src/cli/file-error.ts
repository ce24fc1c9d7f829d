import { defaults } from '../defaults.js';
import { fileSystemReasons } from '../make-folder.js';
import { CliError, exitCodes } from './exit-codes.js';

/** The settings that say where the files go, for every message about a path that cannot be used. */
export const chooseFiles =
  `choose the data folder with ${defaults.dataDir.flag.split(' ')[0]} (${defaults.dataDir.env}) ` +
  `and the database with ${defaults.database.flag.split(' ')[0]} (${defaults.database.env})`;

/**
 * A file-system error on the data folder or a file the command writes (the development secret,
 * a database's folder) as one line saying what to change and exit code 2, or `undefined` for any
 * other error. Running `serve` where its user cannot write is the usual cause (a container's
 * read-only working directory, a folder created by root).
 */
export function fileSystemCliError(error: unknown): CliError | undefined {
  const e = error as { code?: unknown; path?: unknown; syscall?: unknown } | undefined;
  if (!e || typeof e.code !== 'string' || typeof e.path !== 'string') return undefined;
  const reason =
    (e.code === 'EEXIST' || e.code === 'ENOENT') && e.syscall !== 'mkdir'
      ? undefined
      : fileSystemReasons[e.code];
  if (reason === undefined) return undefined;
  const what =
    e.syscall === 'mkdir' ? 'create the folder' : typeof e.syscall === 'string' ? e.syscall : 'use';
  return new CliError(
    `cannot ${what} ${e.path}: ${reason}. Run where this user can write, or ${chooseFiles}`,
    exitCodes.usage,
    'cli_error',
    { cause: error },
  );
}
