// sslmode in a PostgreSQL URL, as libpq users write it (hosted databases' `?sslmode=require`, a
// local `sslmode=prefer`). pg 8 took prefer, require and verify-ca for verify-full: `prefer`
// failed against a server without TLS ("The server does not support SSL connections"), and
// `require` failed against a certificate signed by the provider's own CA. The server without TLS
// is the real one; the TLS server is a loopback front that answers the SSLRequest with 'S', speaks
// TLS with a self-signed certificate made here, and carries what it decrypts to the real one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDatabaseError, openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { makeSelfSignedCertificate } from '../helpers/self-signed.js';

const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** A PostgreSQL front on loopback that speaks TLS only, and counts the sessions it carried. */
class TlsFront {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  tlsSessions = 0;
  port = 0;

  constructor(cert: string, key: string, target: { host: string; port: number }) {
    this.server = net.createServer((socket) => {
      this.track(socket);
      socket.once('data', (first) => {
        if (!first.equals(sslRequest)) return void socket.destroy();
        socket.write('S');
        const secure = new tls.TLSSocket(socket, { isServer: true, cert, key });
        this.track(secure);
        secure.once('secure', () => {
          this.tlsSessions++;
          const upstream = this.track(net.connect(target.port, target.host));
          secure.pipe(upstream).pipe(secure);
          upstream.on('close', () => secure.destroy());
          secure.on('close', () => upstream.destroy());
        });
      });
    });
  }

  private track<T extends net.Socket>(socket: T): T {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let front: TlsFront;
let folder: string;
let caFile: string;
const stores: Store[] = [];
const savedSslMode = process.env.PGSSLMODE;

beforeAll(async () => {
  db = await createTestDatabase();
  folder = mkdtempSync(join(tmpdir(), 'wi-sslmode-'));
  caFile = join(folder, 'cert.pem');
  // Named for another host: verify-full must refuse it, verify-ca (the chain only) take it.
  makeSelfSignedCertificate(folder, 'db.example', 'DNS:db.example');
  const target = new URL(postgresAdminUrl);
  front = new TlsFront(
    readFileSync(caFile, 'utf8'),
    readFileSync(join(folder, 'key.pem'), 'utf8'),
    {
      host: target.hostname,
      port: Number(target.port || 5432),
    },
  );
  await front.start();
});

afterEach(async () => {
  if (savedSslMode === undefined) delete process.env.PGSSLMODE;
  else process.env.PGSSLMODE = savedSslMode;
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await front.stop();
  await db.drop();
  rmSync(folder, { recursive: true, force: true });
});

async function open(database: string): Promise<Store> {
  const store = await openStore({ database });
  stores.push(store);
  return store;
}

/** The test database's URL through the TLS front, with `query` added. */
function viaTls(query: string): string {
  const url = new URL(db.url);
  url.host = `127.0.0.1:${front.port}`;
  return `${url.toString()}?${query}`;
}

describe('sslmode against a server without TLS (the real one)', () => {
  it.each(['prefer', 'allow', 'disable'])('sslmode=%s connects in plain text', async (mode) => {
    const store = await open(`${db.url}?sslmode=${mode}`);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('PGSSLMODE=prefer with a URL that says nothing about TLS connects too', async () => {
    process.env.PGSSLMODE = 'prefer';
    const store = await open(db.url);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('sslmode=require still refuses it (no silent plain text)', async () => {
    const store = await open(`${db.url}?sslmode=require`);
    await expect(store.ping()).rejects.toThrow(/does not support SSL/);
  });
});

describe('sslmode against a TLS server with a certificate of its own CA', () => {
  it('sslmode=require encrypts without checking the certificate, as libpq', async () => {
    const store = await open(viaTls('sslmode=require'));
    await store.migrate();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(front.tlsSessions).toBeGreaterThan(0);
  });

  it('sslmode=prefer uses TLS when the server has it', async () => {
    const before = front.tlsSessions;
    const store = await open(viaTls('sslmode=prefer'));
    await expect(store.ping()).resolves.toBeUndefined();
    expect(front.tlsSessions).toBeGreaterThan(before);
  });

  it('sslmode=verify-ca checks the chain against sslrootcert, not the host name', async () => {
    const store = await open(viaTls(`sslmode=verify-ca&sslrootcert=${encodeURIComponent(caFile)}`));
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('sslmode=verify-full still refuses a certificate it cannot check', async () => {
    const store = await open(viaTls('sslmode=verify-full'));
    await expect(store.ping()).rejects.toThrow(/self[- ]signed certificate/);
  });
});

// docs/store.md: what the URL leaves out, pg takes from the PG* variables, as libpq does.
describe('postgres:// alone', () => {
  const names = ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE'] as const;
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  afterEach(() => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  });

  it('connects where PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE say', async () => {
    const url = new URL(db.url);
    process.env.PGHOST = url.hostname;
    process.env.PGPORT = url.port || '5432';
    process.env.PGUSER = decodeURIComponent(url.username);
    process.env.PGPASSWORD = decodeURIComponent(url.password);
    process.env.PGDATABASE = db.name;
    const store = await open('postgres://');
    const { rows } = await store.read((tx) =>
      tx.query<{ name: string }>('SELECT current_database() AS name'),
    );
    expect(rows).toEqual([{ name: db.name }]);
  });
});

describe('sslmode values that cannot work', () => {
  it('an unknown sslmode is refused at open, naming the valid ones', async () => {
    await expect(openStore({ database: `${db.url}?sslmode=required` })).rejects.toThrow(
      new InvalidDatabaseError(
        'sslmode=required is not an sslmode: use one of disable, allow, prefer, require, ' +
          'verify-ca, verify-full, no-verify',
      ),
    );
  });

  it('PGSSLMODE is named when it is the one at fault', async () => {
    process.env.PGSSLMODE = 'on';
    await expect(openStore({ database: db.url })).rejects.toThrow(
      /^PGSSLMODE=on is not an sslmode/,
    );
  });

  it('sslmode=verify-ca without sslrootcert says what to write instead', async () => {
    await expect(openStore({ database: `${db.url}?sslmode=verify-ca` })).rejects.toThrow(
      /sslmode=verify-ca checks the server's certificate against a CA you name: add sslrootcert=.*or use sslmode=verify-full .* or sslmode=require/,
    );
  });
});
