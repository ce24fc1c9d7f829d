import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { releaseBoundMs } from '../../src/worker/create-worker.js';
import { createMirror } from '../../src/mirror/index.js';
import { InvalidDatabaseError, openMigratedStore, openStore } from '../../src/store/open-store.js';
import { postgresAdminUrl } from '../helpers/postgres.js';
import { backendKinds, createBackend } from './helpers/backends.js';
import {
  closeServer,
  eventBody,
  listen,
  receive,
  secret,
  send,
  signedHeaders,
} from './helpers/events.js';
import { capturedLogs } from '../helpers/captured-logs.js';

describe.each(backendKinds)('createInbox on %s', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('mirrors directory events by default and hands handlers the SDK-shaped event', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({ database: backend.database, secret });
    cleanups.push(() => inbox.close());
    const seen: unknown[] = [];
    inbox.on('dsync.user.created', (event, ctx) => {
      seen.push(event.data);
      expect(ctx.wire.data).toMatchObject({ first_name: 'Ada' });
    });
    const id = `evt_mirror_${kind}`;
    const body = eventBody(id);
    const res = await inbox.receiver.handle({
      method: 'POST',
      headers: signedHeaders(body),
      body: Buffer.from(body),
    });
    expect(res.status).toBe(200);
    expect(await inbox.worker.drain()).toBe(1);
    expect(seen).toHaveLength(1);
    // The SDK's deserializer camelCases the data.
    expect(seen[0]).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      directoryId: 'directory_01',
    });
    const user = await createMirror(inbox.store).directoryUsers.get(`directory_user_${id}`);
    expect(user).toMatchObject({ email: `${id}@example.com`, state: 'active' });
  });

  it('warns of a handler for a name WorkOS does not send, naming close ones, as serve --handlers does', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const { lines, logger } = capturedLogs<{ level: number; msg: string; didYouMean?: string[] }>();
    const inbox = await createInbox({
      database: backend.database,
      secret,
      logger,
    });
    cleanups.push(() => inbox.close());
    inbox.on('dsync.user.created', () => {});
    inbox.on('dsync.user.create', () => {});
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'inbox.on: "dsync.user.create" is not an event WorkOS sends; a typo?',
        event: 'dsync.user.create',
        didYouMean: expect.arrayContaining(['dsync.user.created']),
      }),
    ]);
    // `name` is pino's logger name (`workos-inbox` by default): a second one made invalid JSON keys.
    expect(warnings[0]).not.toHaveProperty('name');
  });

  it("runs inbox.on('*', fn) for every event, as onAny and a --handlers module's '*', without a typo warning", async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const { lines, logger } = capturedLogs();
    const inbox = await createInbox({ database: backend.database, secret, logger, mirror: false });
    cleanups.push(() => inbox.close());
    const seen: string[] = [];
    inbox.on('dsync.user.created', (event) => void seen.push(`named ${event.id}`));
    const off = inbox.on('*', (event) => void seen.push(`any ${event.event}`));
    expect(await receive(inbox.receiver, `evt_star_1_${kind}`)).toBe(200);
    expect(await inbox.worker.drain()).toBe(1);
    off();
    expect(await receive(inbox.receiver, `evt_star_2_${kind}`)).toBe(200);
    expect(await inbox.worker.drain()).toBe(1);
    expect(seen).toEqual([
      `named evt_star_1_${kind}`,
      'any dsync.user.created',
      `named evt_star_2_${kind}`,
    ]);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
  });

  it('types and runs a handler that returns its query (a one-line arrow): the write commits with the event', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const table = { version: 1, name: '0001-deleted', sql: 'CREATE TABLE deleted (id TEXT)' };
    const inbox = await createInbox({
      database: backend.database,
      secret,
      mirror: false,
      migrationSets: [{ component: 'returns-query', sqlite: [table], postgres: [table] }],
    });
    cleanups.push(() => inbox.close());
    // Compiles: the handler's result (here the query's promise) is awaited, its value ignored.
    inbox.on('dsync.user.created', (event, ctx) =>
      ctx.tx.query('INSERT INTO deleted (id) VALUES ($1)', [event.id]),
    );
    inbox.onAny(async (event, ctx) => ctx.tx.query('SELECT $1 AS id', [event.id]));
    const id = `evt_returns_query_${kind}`;
    expect(await receive(inbox.receiver, id)).toBe(200);
    expect(await inbox.worker.drain()).toBe(1);
    const rows = await inbox.store.read(
      async (db) => (await db.query('SELECT id FROM deleted')).rows,
    );
    expect(rows).toEqual([{ id }]);
    expect(await inbox.store.get(id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('rejects a missing secret and a string toleranceMs before touching the database, saying where they come from', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    for (const unset of ['', undefined, ' , ', []]) {
      await expect(
        createInbox({ database: backend.database, secret: unset as unknown as string }),
      ).rejects.toMatchObject({
        code: 'no_secret',
        message: expect.stringMatching(
          /^No webhook secret was given\. createInbox: `secret` is unset or empty.*WORKOS_WEBHOOK_SECRET/,
        ),
      });
    }
    // A number read from the environment is still a string: the message says so.
    await expect(
      createInbox({ database: backend.database, secret, toleranceMs: '180000' as never }),
    ).rejects.toThrow(
      'toleranceMs must be a finite number of milliseconds >= 0, got string "180000"',
    );
    if (kind === 'sqlite') expect(existsSync(backend.database)).toBe(false);
  });

  it('reads a comma-separated secret as serve reads WORKOS_WEBHOOK_SECRET: both keys of a rotation are accepted', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({
      database: backend.database,
      secret: ` ${secret} , whsec_next,`,
      mirror: false,
    });
    cleanups.push(() => inbox.close());
    const deliver = async (id: string, key: string) => {
      const body = eventBody(id);
      const res = await inbox.receiver.handle({
        method: 'POST',
        headers: signedHeaders(body, Date.now(), key),
        body: Buffer.from(body),
      });
      return res.status;
    };
    expect(await deliver(`evt_old_${kind}`, secret)).toBe(200);
    expect(await deliver(`evt_new_${kind}`, 'whsec_next')).toBe(200);
    expect(await deliver(`evt_other_${kind}`, 'whsec_other')).toBe(401);
  });

  it('refuses retention, backoff and Retry-After settings it cannot use, naming them, before opening a database', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const { database } = backend;
    // NaN is what Number(process.env.UNSET) gives.
    for (const [retention, message] of [
      [{ olderThanMs: Number.NaN }, 'retention.olderThanMs must be a number of ms'],
      [{ olderThanMs: 10 }, 'a minute (60000) or more, got 10'],
      ['30d', 'retention must be an object'],
      [{ olderThanMs: 86_400_000, intervalMs: 0 }, 'retention.intervalMs must be'],
    ] as const) {
      await expect(
        createInbox({ database, secret, retention: retention as never }),
      ).rejects.toMatchObject({
        code: 'invalid_retention',
        message: expect.stringContaining(message),
      });
    }
    if (kind === 'sqlite') expect(existsSync(database)).toBe(false);
    for (const retryAfterSeconds of [-1, 1.5, Number.NaN]) {
      await expect(createInbox({ database, secret, retryAfterSeconds })).rejects.toThrow(
        `retryAfterSeconds must be a whole number of seconds, 0 or more, got ${String(retryAfterSeconds)}`,
      );
    }
    if (kind === 'sqlite') expect(existsSync(database)).toBe(false);
    for (const [worker, message] of [
      [{ backoffBaseMs: Number.NaN }, 'worker backoffBaseMs must be 0 or more, in ms, got NaN'],
      [{ backoffCapMs: -1 }, 'worker backoffCapMs must be 0 or more, in ms, got -1'],
      [{ backoffBaseMs: 10_000, backoffCapMs: 1000 }, 'must be at least backoffBaseMs'],
    ] as const) {
      await expect(createInbox({ database, secret, worker })).rejects.toThrow(message);
    }
  });

  it('refuses options it does not know (plain JavaScript typos), naming them, before opening a database', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const { database } = backend;
    const bad = (options: object) => createInbox({ database, secret, ...options } as never);
    await expect(bad({ tolerenceMs: 1000 })).rejects.toThrow(
      'createInbox: unknown option "tolerenceMs". Did you mean: toleranceMs?',
    );
    await expect(bad({ worker: { maxAtempts: 3 } })).rejects.toThrow(
      'createInbox worker: unknown option "maxAtempts". Did you mean: maxAttempts?',
    );
    await expect(bad({ mirror: 'dsync' })).rejects.toThrow(
      'createInbox: mirror must be true, false or a list of families',
    );
    await expect(bad({ secret: 123 })).rejects.toThrow('createInbox: secret must be a string');
    if (kind === 'sqlite') expect(existsSync(database)).toBe(false);
  });

  it('rejects an unknown mirror family at creation', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    await expect(
      createInbox({ database: backend.database, secret, mirror: ['nope'] }),
    ).rejects.toMatchObject({ code: 'unknown_mirror_family' });
  });

  it('closes gracefully: 503 for new requests, the running handler finishes, its event is done', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({
      database: backend.database,
      secret,
      mirror: false,
      worker: { pollIntervalMs: 50 },
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let started: () => void = () => {};
    const handlerStarted = new Promise<void>((r) => (started = r));
    inbox.onAny(async () => {
      started();
      await gate;
    });
    await inbox.start();
    const server = createServer(inbox.node());
    const url = await listen(server);
    cleanups.push(() => closeServer(server));

    const id = `evt_close_${kind}`;
    const body = eventBody(id);
    expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
    await handlerStarted;
    const closing = inbox.close();
    const late = eventBody(`${id}_late`);
    const res = await send(url, { body: late, headers: signedHeaders(late) });
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'shutting_down' });
    release();
    await closing;

    const check = await createInbox({ database: backend.database, secret, mirror: false });
    try {
      expect(await check.store.get(id)).toMatchObject({ status: 'done', leaseOwner: null });
      expect(await check.store.get(`${id}_late`)).toBeUndefined();
    } finally {
      await check.close();
    }
  });

  it('replay of an event whose handler is running is refused at once (on SQLite it waited for the handler)', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({ database: backend.database, secret, mirror: false });
    cleanups.push(() => inbox.close());
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let started: () => void = () => {};
    const handlerStarted = new Promise<void>((r) => (started = r));
    inbox.onAny(async () => {
      started();
      await gate;
    });
    const id = `evt_replay_running_${kind}`;
    expect(await receive(inbox.receiver, id)).toBe(200);
    const draining = inbox.worker.drain();
    await handlerStarted;
    // The handler waits for the replay's answer: a replay that waited for the handler would never end.
    expect(await inbox.replay(id)).toBe(false);
    release();
    await draining;
    expect(await inbox.store.get(id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('close() starts no handler after it is called: claimed events not started are given back, uncounted', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const inbox = await createInbox({ database: backend.database, secret, mirror: false });
    const ran: string[] = [];
    let closeCalled = false;
    const startedAfterClose: string[] = [];
    let started: () => void = () => {};
    const firstStarted = new Promise<void>((r) => (started = r));
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    inbox.onAny(async (_event, ctx) => {
      ran.push(ctx.eventId);
      if (closeCalled) startedAfterClose.push(ctx.eventId);
      started();
      await released;
    });
    const ids = [1, 2, 3].map((n) => `evt_close_${kind}_${n}`);
    for (const id of ids) expect(await receive(inbox.receiver, id)).toBe(200);
    await inbox.start();
    await firstStarted;
    // SIGTERM's close arrives while a handler runs. On SQLite the three are claimed together and
    // run in sequence: the other two used to run after the first, past the drain time.
    closeCalled = true;
    const closing = inbox.close();
    release();
    await closing;
    expect(startedAfterClose).toEqual([]);
    if (kind === 'sqlite') expect(ran).toHaveLength(1);

    const again = await createInbox({ database: backend.database, secret, mirror: false });
    try {
      for (const id of ids) {
        expect(await again.store.get(id)).toMatchObject(
          ran.includes(id) ? { status: 'done', attempts: 1 } : { status: 'pending', attempts: 0 },
        );
      }
    } finally {
      await again.close();
    }
  });

  it('close({ timeoutMs }) ends with a handler that never does: its writes rolled back, its event processed again', async () => {
    const backend = await createBackend(kind);
    cleanups.push(backend.cleanup);
    const { lines, logger } = capturedLogs<{ msg: string; timeoutMs?: number }>();
    const inbox = await createInbox({
      database: backend.database,
      secret,
      mirror: false,
      worker: { pollIntervalMs: 50, leaseMs: 300 },
      logger,
    });
    let started: () => void = () => {};
    const handlerStarted = new Promise<void>((r) => (started = r));
    inbox.onAny(async (_event, ctx) => {
      await ctx.tx.query(`UPDATE workos_inbox_events SET last_error = 'written by the handler'`);
      started();
      await new Promise<never>(() => {});
    });
    const id = `evt_stuck_${kind}`;
    expect(await receive(inbox.receiver, id)).toBe(200);
    await inbox.start();
    await handlerStarted;
    // Resolves (it used to wait for the handler forever); the timeout is not measured here.
    await inbox.close({ timeoutMs: 50 });
    // What it waited for after the handlers' 50 ms: the lease release within what was left, at
    // least 100 ms (it waited 2 s), then the store closed at once (it waited 2 s more). On
    // SQLite the handler's transaction holds the write lock, so the release cannot happen.
    const release = lines.filter((l) => l.msg.startsWith('could not release leases in time'));
    if (kind === 'sqlite') expect(release).toHaveLength(1);
    for (const line of release) expect(line.timeoutMs).toBe(releaseBoundMs(0));
    expect(releaseBoundMs(0)).toBe(100);

    const again = await createInbox({
      database: backend.database,
      secret,
      mirror: false,
      worker: { pollIntervalMs: 50 },
    });
    try {
      const stored = await again.store.get(id);
      expect(stored).toMatchObject({ status: 'processing', attempts: 1 });
      expect(stored!.lastError).not.toBe('written by the handler');
      const seen: string[] = [];
      again.onAny((_event, ctx) => {
        seen.push(ctx.eventId);
      });
      // Once the abandoned lease ends (its extensions stopped with the close), it is claimed again.
      for (;;) {
        await again.worker.drain();
        if (seen.length > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toEqual([id]);
      expect(await again.store.get(id)).toMatchObject({ status: 'done', attempts: 2 });
    } finally {
      await again.close();
    }
  });
});

describe('createInbox and openStore with a SQLite file', () => {
  it("refuse the PostgreSQL `schema` option in the CLI's words, creating no file", async () => {
    const backend = await createBackend('sqlite');
    try {
      const refusal = {
        code: 'invalid_schema',
        message: `the \`schema\` option applies to a postgres:// database only, not ${backend.database}`,
      };
      await expect(
        createInbox({ database: backend.database, secret, schema: 'tenant' }),
      ).rejects.toMatchObject(refusal);
      await expect(
        openStore({ database: backend.database, schema: 'tenant' }),
      ).rejects.toMatchObject(refusal);
      expect(existsSync(backend.database)).toBe(false);
    } finally {
      await backend.cleanup();
    }
  });
});

describe('createInbox and openStore with a SQLite file whose folder cannot be created', () => {
  // They threw Node's bare `EEXIST: file already exists, mkdir '…'`: no database named, no class
  // to catch. Not StoreUnavailableError (a receiver's 503 asks WorkOS to retry, which cannot help).
  it('refuse with InvalidDatabaseError naming the database, the folder and what is in the way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wi-folder-taken-'));
    try {
      writeFileSync(join(dir, 'data'), '');
      for (const [database, folder, reason] of [
        [join(dir, 'data', 'inbox.db'), join(dir, 'data'), 'a file of that name is in the way'],
        [
          join(dir, 'data', 'sub', 'inbox.db'),
          join(dir, 'data', 'sub'),
          'a part of the path is a file, not a folder',
        ],
      ] as const) {
        const refusal = {
          code: 'invalid_database',
          message: `cannot create the folder ${folder} of the SQLite database ${database}: ${reason}. Choose a database path whose folder this user can create and write in`,
          cause: expect.objectContaining({ syscall: 'mkdir' }),
        };
        await expect(createInbox({ database, secret })).rejects.toBeInstanceOf(
          InvalidDatabaseError,
        );
        await expect(createInbox({ database, secret })).rejects.toMatchObject(refusal);
        await expect(openStore({ database })).rejects.toMatchObject(refusal);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createInbox and openStore with a folder as the SQLite database', () => {
  // SQLite's "unable to open database file" was a StoreUnavailableError: a receiver's 503 and an
  // operator's "wait and retry", for a path that must change.
  it('refuse with InvalidDatabaseError saying it is a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wi-folder-database-'));
    try {
      const refusal = {
        code: 'invalid_database',
        message: `the SQLite database ${dir} is a folder, not a file. Choose a database path that names a file (${join(dir, 'inbox.db')}, for example)`,
      };
      await expect(createInbox({ database: dir, secret })).rejects.toBeInstanceOf(
        InvalidDatabaseError,
      );
      await expect(createInbox({ database: dir, secret })).rejects.toMatchObject(refusal);
      await expect(openStore({ database: dir })).rejects.toMatchObject(refusal);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createInbox with a PostgreSQL database that does not exist', () => {
  it("says how to create it, in the CLI's words, not the driver's bare 3D000", async () => {
    const name = `wi_lib_missing_${process.pid}`;
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${name}`;
    const refusal = {
      code: 'invalid_database',
      message: expect.stringContaining(
        `the PostgreSQL database "${name}" does not exist. Create it (\`createdb ${name}\``,
      ),
      cause: expect.objectContaining({ code: '3D000' }),
    };
    await expect(
      createInbox({ database: url.toString(), secret, mirror: false }),
    ).rejects.toMatchObject(refusal);
    await expect(openMigratedStore({ database: url.toString() })).rejects.toMatchObject(refusal);
  });
});
