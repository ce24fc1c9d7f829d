import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdminUrl } from '../helpers/postgres.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { ensureBuilt, runCli } from './cli-harness.js';

// docs/cli.md: exit 3 when the database cannot be reached or does not exist yet, with one line
// that says what to do (no stack trace).
describe('a PostgreSQL database that does not exist', () => {
  let cwd: string;
  const name = `wi_missing_${process.pid}`;
  const url = (() => {
    const u = new URL(postgresAdminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  })();

  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-missing-db-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([['migrate'], ['serve', '--port', '0'], ['work'], ['events', 'list'], ['stats']])(
    '%s exits 3 and says how to create it',
    async (...command) => {
      const result = await runCli([...command, '--database', url], { cwd, timeoutMs: 60_000 });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`the PostgreSQL database "${name}" does not exist`);
      expect(result.stderr).toContain(`createdb ${name}`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('an unreachable server exits 3 with one line', async () => {
    const result = await runCli(['migrate', '--database', 'postgres://postgres@127.0.0.1:1/x'], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot connect to the database');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

// The database answers, but will not hold the inbox's tables where the URL puts them: one line
// naming the way out, exit 3 (they were the driver's error with a stack, exit 1).
/**
 * A stand-in PostgreSQL server on loopback that turns every session away: answers the startup
 * message with `refusal` (an ErrorResponse with this SQLSTATE and message), after asking for a
 * cleartext password when `askPassword`.
 */
async function refusingServer(
  code: string,
  message: string,
  askPassword: boolean,
): Promise<{ port: number; close: () => Promise<void> }> {
  const fields = Buffer.from(`SFATAL\0C${code}\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header.write('E');
  header.writeInt32BE(fields.length + 4, 1);
  const refusal = Buffer.concat([header, fields]);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('data', (data) => {
      if (askPassword && data[0] !== 0x70 /* p: the password */) {
        // AuthenticationCleartextPassword.
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
      } else {
        socket.end(refusal);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a PostgreSQL server that turns the connection away', () => {
  let cwd: string;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-refused-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("a wrong password exits 3 with the server's words and where the URL comes from", async () => {
    const server = await refusingServer(
      '28P01',
      'password authentication failed for user "app"',
      true,
    );
    try {
      const result = await runCli(
        ['migrate', '--database', `postgres://app:wrong@127.0.0.1:${server.port}/app`],
        { cwd, timeoutMs: 60_000 },
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        'cannot connect to the database: password authentication failed for user "app". ' +
          'Check the URL given by --database (DATABASE_URL)',
      );
      expect(result.stderr).not.toContain('wrong');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await server.close();
    }
  });

  // It said "PostgreSQL unavailable while checking the schema: Connection terminated due to
  // connection timeout": neither how long it waited nor where the URL comes from.
  it("a server that never answers: exit 3, naming the wait and the URL's origin", async () => {
    const hole = new TcpProxy(0, 'blackhole');
    await hole.start();
    try {
      const result = await runCli(
        ['stats', '--database', `postgres://app@127.0.0.1:${hole.port}/app`],
        { cwd, timeoutMs: 60_000 },
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        'cannot connect to the database: no answer within 2 s (is the server up, and its port ' +
          'open to this machine?). Check the URL given by --database (DATABASE_URL)',
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await hole.stop();
    }
  });

  // psql got in: libpq's default sslmode is prefer. pg speaks plain text unless asked for TLS.
  it('a server that takes TLS only: exit 3, saying to add sslmode=require', async () => {
    const server = await refusingServer(
      '28000',
      'no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", no encryption',
      false,
    );
    try {
      const result = await runCli(
        ['stats', '--database', `postgres://app@127.0.0.1:${server.port}/app`],
        { cwd, timeoutMs: 60_000 },
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        'The server takes TLS connections only: add ?sslmode=require (or verify-full, to check ' +
          'its certificate) to the URL given by --database (DATABASE_URL)',
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await server.close();
    }
  });
});

describe('a PostgreSQL database the inbox cannot create its tables in', () => {
  let cwd: string;
  const tag = `wi_noprivs_${process.pid}`;
  const admin = () => new pg.Client({ connectionString: postgresAdminUrl });
  const urlAs = (role: string, query = '') => {
    const u = new URL(postgresAdminUrl);
    u.username = role;
    u.password = '';
    u.pathname = `/${tag}`;
    return `${u.toString()}${query}`;
  };

  beforeAll(async () => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-noprivs-'));
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${tag}`);
    await c.query(`DROP ROLE IF EXISTS ${tag}`);
    await c.query(`CREATE ROLE ${tag} LOGIN`);
    // Owned by the admin: since PostgreSQL 15 other roles may not create in its public schema.
    await c.query(`CREATE DATABASE ${tag}`);
    await c.end();
  });
  afterAll(async () => {
    rmSync(cwd, { recursive: true, force: true });
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${tag}`);
    await c.query(`DROP ROLE IF EXISTS ${tag}`);
    await c.end();
  });

  it('a role that may not create in the schema: migrate says who may and what to grant', async () => {
    const result = await runCli(['migrate', '--database', urlAs(tag)], { cwd, timeoutMs: 60_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("refused to create the inbox's tables");
    expect(result.stderr).toContain('GRANT CREATE ON SCHEMA public');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('a search_path that names no schema: migrate says to create it or change the URL', async () => {
    const admin = new URL(postgresAdminUrl).username || 'postgres';
    const query = `?options=${encodeURIComponent('-c search_path=nowhere_at_all')}`;
    const result = await runCli(['migrate', '--database', urlAs(admin, query)], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('names no schema that exists');
    expect(result.stderr).toContain('--database (DATABASE_URL)');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

// The same promise for the files of a SQLite inbox: a data folder or database path that cannot be
// used says which path and what to change, in one line, exit 2 (settings to change). As root (CI),
// permissions do not stop a write, so the paths are unusable by shape: a folder under a file, a
// database that is a folder.
describe('a data folder or SQLite database that cannot be used', () => {
  let cwd: string;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-unusable-'));
    writeFileSync(join(cwd, 'a-file'), '');
    mkdirSync(join(cwd, 'a-folder'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('serve with a data folder under a file exits 2 and names the folder and the setting', async () => {
    const dataDir = join(cwd, 'a-file', 'data');
    const result = await runCli(['serve', '--port', '0', '--data-dir', dataDir], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot create the folder ${dataDir}`);
    expect(result.stderr).toContain('--data-dir (WORKOS_INBOX_DATA_DIR)');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  // It was StoreUnavailableError (exit 3, "database unavailable": wait and retry), which no wait
  // mends: a folder given as the database is a setting to change, an InvalidDatabaseError (exit 2).
  it.each([
    [['migrate']],
    [['serve', '--port', '0']],
    [['work']],
    [['events', 'list']],
    [['stats']],
    [['deliveries', 'redrive']],
    [['pull', '--api-key', 'sk_test_unused', '--api-url', 'http://127.0.0.1:9']],
  ])('%j with a folder as its SQLite database exits 2 naming it a folder', async (command) => {
    const database = join(cwd, 'a-folder');
    const result = await runCli([...command, '--database', database], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `workos-inbox: the SQLite database ${database} is a folder, not a file. Choose a database ` +
        `path that names a file (${join(database, 'inbox.db')}, for example)\n`,
    );
  });

  it('pull --json says it in its error object: invalid_database', async () => {
    const database = join(cwd, 'a-folder');
    const result = await runCli(
      ['pull', '--json', '--api-key', 'sk_test_unused', '--api-url', 'http://127.0.0.1:9'],
      { cwd, env: { DATABASE_URL: database }, timeoutMs: 60_000 },
    );
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: { code: 'invalid_database', message: expect.stringContaining('is a folder') },
    });
  });
});

describe('a SQLite inbox in a data folder the command was not given', () => {
  let cwd: string;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-data-dir-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('events list after `serve --data-dir X` exits 3 naming --data-dir as well as --database', async () => {
    const migrate = await runCli(['migrate', '--data-dir', 'inbox-data'], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(migrate.code, migrate.stderr).toBe(0);
    const result = await runCli(['events', 'list'], { cwd, timeoutMs: 60_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no inbox database at');
    expect(result.stderr).toContain('pass the --data-dir or --database serve was given');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const given = await runCli(['events', 'list', '--data-dir', 'inbox-data'], {
      cwd,
      timeoutMs: 60_000,
    });
    expect(given.code, given.stderr).toBe(0);
  });
});
