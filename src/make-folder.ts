import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`: make `path` and the folders above it that are missing. Not Node's
 * `mkdirSync(path, { recursive: true })`: where the file system answers ENOENT to a mkdir whose
 * parent exists (procfs: `/proc/x`), Node takes it for a missing parent, makes the parent (it
 * exists) and tries again, for ever, at full CPU. Here an ENOENT under an existing folder is the
 * answer, thrown as Node's error (code, syscall `mkdir`, path) for the caller to word.
 */
export function makeFolder(path: string): void {
  const target = resolve(path);
  try {
    mkdirSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isFolder(target)) return;
    const parent = dirname(target);
    if (code !== 'ENOENT' || parent === target || isFolder(parent)) throw error;
    makeFolder(parent);
    makeFolder(target);
  }
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** What the file system said, in words (Node's messages lead with the code). */
export const fileSystemReasons: Readonly<Record<string, string>> = {
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
