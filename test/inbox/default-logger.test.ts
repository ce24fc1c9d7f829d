import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { createDefaultLogger } from '../../src/inbox/default-logger.js';
import { StoreUnavailableError } from '../../src/store/types.js';
import type { Inbox } from '../../src/inbox/create-inbox.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { eventBody, secret, signedHeaders } from './helpers/events.js';

// An app that embeds the inbox and passes no logger must still hear about a failing handler.
describe('the default logger', () => {
  const temp = createTempSqlitePath();
  let inbox: Inbox | undefined;
  const original = process.stderr.write.bind(process.stderr);
  let captured = '';

  afterEach(async () => {
    process.stderr.write = original;
    await inbox?.close();
    temp.cleanup();
  });

  it('writes a failing handler warning to stderr', async () => {
    process.stderr.write = ((chunk: string | Uint8Array) => {
      captured += chunk.toString();
      return true;
    }) as typeof process.stderr.write;
    inbox = await createInbox({ database: temp.path, secret, mirror: false });
    inbox.on('dsync.user.created', () => {
      throw new Error('the app handler broke');
    });
    const body = eventBody('evt_default_logger');
    const answer = await inbox.receiver.handle({
      method: 'POST',
      headers: signedHeaders(body),
      body: Buffer.from(body),
    });
    expect(answer.status).toBe(200);
    await inbox.worker.drain();
    process.stderr.write = original;
    const lines = captured
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: expect.stringContaining('handler failed') as unknown,
        err: expect.objectContaining({ message: 'the app handler broke' }) as unknown,
      }),
    );
  });

  it("logs a wrapped error's cause once: the message already ends with it", () => {
    captured = '';
    process.stderr.write = ((chunk: string | Uint8Array) => {
      captured += chunk.toString();
      return true;
    }) as typeof process.stderr.write;
    const logger = createDefaultLogger();
    const reset = new Error('read ECONNRESET');
    logger.error(
      {
        err: new StoreUnavailableError(`could not commit to PostgreSQL: ${reset.message}`, {
          cause: reset,
        }),
      },
      'cut',
    );
    // A cause its wrapper does not repeat is still shown, as pino shows it.
    logger.error({ err: new Error('migrating', { cause: reset }) }, 'other');
    process.stderr.write = original;
    const errs = captured
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { err: { message: string; stack: string } }).err);
    expect(errs.map((e) => e.message)).toEqual([
      'could not commit to PostgreSQL: read ECONNRESET',
      'migrating: read ECONNRESET',
    ]);
    expect(errs[0]!.stack).toContain('caused by: Error: read ECONNRESET');
  });
});
