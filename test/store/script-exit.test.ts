import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
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

  it('keeps the append thread referenced from close() until it has exited', async () => {
    // The race the script above meets about once in fifty runs, made certain: had the thread been
    // unref'd after answering `close`, a script awaiting close() could end before its exit.
    const store = SqliteStore.open({ database: `${temp.path}-close` });
    await store.migrate();
    await store.append({
      id: 'close_1',
      event: 'dsync.user.created',
      createdAt: new Date().toISOString(),
      rawBody: Buffer.from('{}'),
      source: 'api',
      receivedAt: new Date(),
    });
    const worker = (store as unknown as { appender: { worker: Worker } }).appender.worker;
    let closing = false;
    const unrefsWhileClosing: string[] = [];
    const unref = worker.unref.bind(worker);
    worker.unref = () => {
      if (closing) unrefsWhileClosing.push('unref');
      unref();
    };
    closing = true;
    await store.close();
    expect(unrefsWhileClosing).toEqual([]);
  });
});
