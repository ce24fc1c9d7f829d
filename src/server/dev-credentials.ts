import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from '../make-folder.js';

export const devSecretFile = 'dev-secret';
export const devAdminTokenFile = 'dev-admin-token';

/** Read a development credential from the data folder, or undefined when there is none yet. */
export function readDevCredential(dataDir: string, file: string): string | undefined {
  try {
    const value = readFileSync(join(dataDir, file), 'utf8').trim();
    return value === '' ? undefined : value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The development credential kept in the data folder, created on first use.
 * Kept across restarts so a `trigger` line printed yesterday still works today.
 * The file is created exclusively (`wx`), so two processes starting together agree on one value.
 */
export function ensureDevCredential(
  dataDir: string,
  file: string,
  prefix: string,
): { value: string; created: boolean } {
  const existing = readDevCredential(dataDir, file);
  if (existing !== undefined) return { value: existing, created: false };
  makeFolder(dataDir);
  const value = `${prefix}${randomBytes(24).toString('base64url')}`;
  try {
    writeFileSync(join(dataDir, file), `${value}\n`, { flag: 'wx', mode: 0o600 });
    return { value, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readDevCredential(dataDir, file);
    if (winner === undefined) throw error;
    return { value: winner, created: false };
  }
}
