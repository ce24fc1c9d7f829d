import { defaults } from '../defaults.js';
import { CliError, exitCodes } from './exit-codes.js';

/** What the file system said, in words (Node's messages lead with the code). */
const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  // mkdir -p where a part of the path is a file
  EEXIST: 'a file of that name is in the way',
  // mkdir in a folder that exists (makeFolder says ENOENT only then): procfs, and the like
  ENOENT: 'this file system makes no folders there',
};

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
      : reasons[e.code];
  if (reason === undefined) return undefined;
  const what =
    e.syscall === 'mkdir' ? 'create the folder' : typeof e.syscall === 'string' ? e.syscall : 'use';
  const dataDir = `${defaults.dataDir.flag.split(' ')[0]} (${defaults.dataDir.env})`;
  const database = `${defaults.database.flag.split(' ')[0]} (${defaults.database.env})`;
  return new CliError(
    `cannot ${what} ${e.path}: ${reason}. Run where this user can write, or choose the data ` +
      `folder with ${dataDir} and the database with ${database}`,
    exitCodes.usage,
    'cli_error',
    { cause: error },
  );
}
