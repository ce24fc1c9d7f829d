import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.js';
import { fileSystemCliError } from '../../src/cli/file-error.js';

const fsError = (code: string, syscall: string, path: string) =>
  Object.assign(new Error(`${code}: …, ${syscall} '${path}'`), { code, syscall, path });

// The permission cases, which a test running as root (CI) cannot provoke for real; the e2e tests
// in test/e2e/missing-database.test.ts run the shapes it can.
describe('fileSystemCliError', () => {
  it('says which path, what went wrong in words, and which settings move the files', () => {
    const error = fileSystemCliError(fsError('EACCES', 'mkdir', '/srv/app/.workos-inbox'));
    expect(error?.exitCode).toBe(exitCodes.usage);
    expect(error?.message).toBe(
      'cannot create the folder /srv/app/.workos-inbox: permission denied. Run where this user ' +
        'can write, or choose the data folder with --data-dir (WORKOS_INBOX_DATA_DIR) and the ' +
        'database with --database (DATABASE_URL)',
    );
    const readOnly = fileSystemCliError(fsError('EROFS', 'open', '/app/.workos-inbox/dev-secret'));
    expect(readOnly?.message).toMatch(
      /^cannot open \/app\/\.workos-inbox\/dev-secret: the file system is read-only\./,
    );
  });

  it('leaves other errors alone', () => {
    expect(fileSystemCliError(fsError('ENOENT', 'open', '/x'))).toBeUndefined();
    expect(fileSystemCliError(new Error('boom'))).toBeUndefined();
    expect(fileSystemCliError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBeUndefined();
    expect(fileSystemCliError(undefined)).toBeUndefined();
  });
});
