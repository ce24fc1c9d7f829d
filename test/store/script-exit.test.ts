import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempSqlitePath } from '../helpers/sqlite.js';

const fixture = fileURLToPath(new URL('./fixtures/short-script.ts', import.meta.url));

describe('a short script on SQLite', () => {
  const temp = createTempSqlitePath();
  afterAll(() => temp.cleanup());

  it('runs to the end and exits 0 (store waits keep the process alive)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      fixture,
      temp.path,
    ]);
    expect(JSON.parse(stdout)).toEqual({
      pending: 0,
      processing: 0,
      done: 50,
      retrying: 0,
      dead: 0,
    });
  });
});
