import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { eventBody, secret, signedHeaders } from '../inbox/helpers/events.js';

// serve's --shutdown-timeout-ms reaches the worker: stop() waits that long for a handler, then
// gives up on it. A stuck handler holds the SQLite write lock, so the lease release (which needs
// that lock) is bounded too, instead of waiting forever.
describe('stopping the worker while a handler hangs (SQLite)', () => {
  const temp = createTempSqlitePath();
  let inbox: Inbox | undefined;
  let release: () => void = () => {};

  afterEach(async () => {
    release();
    await inbox?.close();
    temp.cleanup();
  });

  it('returns after the given timeout; the event keeps its lease (it expires later)', async () => {
    inbox = await createInbox({ database: temp.path, secret, mirror: false });
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    inbox.on('dsync.user.created', async () => {
      started();
      await gate;
    });
    const body = eventBody('evt_stuck');
    const answer = await inbox.receiver.handle({
      method: 'POST',
      headers: signedHeaders(body),
      body: Buffer.from(body),
    });
    expect(answer.status).toBe(200);
    await inbox.start();
    await handlerStarted;
    // Before the fix stop() waited a fixed 30 s, then forever on the write lock: the test's
    // timeout would end it.
    await inbox.worker.stop({ timeoutMs: 50 });
    expect((await inbox.store.get('evt_stuck'))?.status).toBe('processing');
  });
});
