// An app that passes its own pino logger to createInbox saw a wrapped error's cause twice in the
// inbox's lines ("could not sync: read ECONNRESET: read ECONNRESET"): the messages of this
// package (and of code written like it) already end with their cause's, and pino's serializer
// appends it again. Our own loggers fixed it with their serializer; the app's did not.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { openMigratedStore } from '../../src/store/open-store.js';
import { createWorker } from '../../src/worker/create-worker.js';
import { createBackend } from './helpers/backends.js';
import { eventBody, manualClock, receive, secret } from './helpers/events.js';

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

const failed = (lines: Record<string, unknown>[]) =>
  lines.find((l) => l.msg === 'handler failed; will retry') as { err: Record<string, unknown> };

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

describe("createWorker with the app's own pino logger", () => {
  it("logs each cause's message once, and the app's logger is not changed", async () => {
    const backend = await createBackend('sqlite');
    const store = await openMigratedStore({ database: backend.database });
    cleanups.push(backend.cleanup, () => store.close());
    const clock = manualClock(Date.now());
    await store.append({
      id: 'evt_worker_wrapped',
      event: 'dsync.user.created',
      createdAt: '2026-11-27T10:00:00.000Z',
      receivedAt: new Date(clock.now() - 1_000),
      rawBody: Buffer.from(eventBody('evt_worker_wrapped', 'dsync.user.created')),
      source: 'webhook',
    });
    const { logger, lines } = appLogger();
    const worker = createWorker({
      store,
      clock,
      logger,
      handlers: {
        handlersFor: () => [
          () => {
            throw wrapped();
          },
        ],
      },
    });
    expect(await worker.drain()).toBe(1);
    expect(failed(lines).err.message).toBe('could not sync the user: read ECONNRESET');
    logger.error({ err: wrapped() }, 'the app logs');
    expect(lines.at(-1)).toMatchObject({
      err: { message: 'could not sync the user: read ECONNRESET: read ECONNRESET' },
    });
  });
});
