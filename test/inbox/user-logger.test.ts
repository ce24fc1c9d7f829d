// An app that passes its own pino logger to createInbox saw a wrapped error's cause twice in the
// inbox's lines ("could not sync: read ECONNRESET: read ECONNRESET"): the messages of this
// package (and of code written like it) already end with their cause's, and pino's serializer
// appends it again. Our own loggers fixed it with their serializer; the app's did not.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { createBackend } from './helpers/backends.js';
import { manualClock, receive, secret } from './helpers/events.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function appLogger(options: pino.LoggerOptions = {}): {
  logger: pino.Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info', ...options }, stream), lines };
}

const wrapped = (): Error =>
  new Error('could not sync the user: read ECONNRESET', { cause: new Error('read ECONNRESET') });

describe("createInbox with the app's own pino logger", () => {
  async function failOnce(logger: pino.Logger): Promise<void> {
    const backend = await createBackend('sqlite');
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({
      database: backend.database,
      secret,
      logger,
      mirror: false,
      // The retry stays in the future: one attempt, one line.
      clock: manualClock(Date.now()),
    });
    cleanups.push(() => inbox.close());
    inbox.on('dsync.user.created', () => {
      throw wrapped();
    });
    expect(await receive(inbox.receiver, 'evt_wrapped')).toBe(200);
    expect(await inbox.worker.drain()).toBe(1);
  }

  const failed = (lines: Record<string, unknown>[]) =>
    lines.find((l) => l.msg === 'handler failed; will retry') as { err: Record<string, unknown> };

  it("logs each cause's message once in the inbox's lines; the app's own lines are pino's", async () => {
    const { logger, lines } = appLogger();
    await failOnce(logger);
    const { err } = failed(lines);
    expect(err.message).toBe('could not sync the user: read ECONNRESET');
    // The stack still carries the cause, as pino writes it.
    expect(err.stack).toContain('caused by: Error: read ECONNRESET');

    // The app's own logger is not changed.
    logger.error({ err: wrapped() }, 'the app logs');
    expect(lines.at(-1)).toMatchObject({
      msg: 'the app logs',
      err: { message: 'could not sync the user: read ECONNRESET: read ECONNRESET' },
    });
  });

  it("keeps the app's own err serializer and the message it makes", async () => {
    const { logger, lines } = appLogger({
      serializers: {
        err: (error: Error) => ({ ...pino.stdSerializers.err(error), team: 'identity' }),
      },
    });
    await failOnce(logger);
    expect(failed(lines).err).toMatchObject({
      message: 'could not sync the user: read ECONNRESET',
      team: 'identity',
    });

    const { logger: own, lines: ownLines } = appLogger({
      serializers: { err: (error: Error) => ({ message: `[app] ${error.message}` }) },
    });
    await failOnce(own);
    expect(failed(ownLines).err).toEqual({
      message: '[app] could not sync the user: read ECONNRESET',
    });
  });
});
