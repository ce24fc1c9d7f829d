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
