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
import { ensureBuilt, runCli } from '../e2e/cli-harness.js';

const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** How a front answers: to the SSLRequest, and to a startup message over each transport. */
interface Behaviour {
  /** 'S' and a TLS handshake, 'S' and the connection closed, 'N', or the connection closed. */
  tls: 'yes' | 'broken' | 'no' | 'hang up';
  /** A startup message in plain text: carried to the real server, or refused as by `hostssl`. */
  plain: 'carry' | 'refuse';
  /** A startup message over TLS: carried, or refused as by `hostnossl`. */
  overTls?: 'carry' | 'refuse';
}

/**
 * The ErrorResponse PostgreSQL sends when no pg_hba.conf line admits the connection, before any
 * authentication, and then closes it.
 */
function hbaRefusal(encryption: 'no encryption' | 'SSL encryption'): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', '28000'],
    [
      'M',
      `no pg_hba.conf entry for host "127.0.0.1", user "postgres", database "inbox", ${encryption}`,
    ],
  ];
  const body = Buffer.concat([
    ...fields.map(([k, v]) => Buffer.from(`${k}${v}\0`)),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/**
 * A PostgreSQL front on loopback that answers as `behaviour` says and carries what it admits to
 * the real server. `log` lists what each connection was: `tls`, `plain`, `tls refused`, `plain
 * refused`, `tls broken`.
 */
class Front {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  readonly log: string[] = [];
  port = 0;

  constructor(
    tlsIdentity: { cert: string; key: string },
    target: { host: string; port: number },
    behaviour: Behaviour,
  ) {
    const carry = (socket: net.Socket, first: Buffer | undefined) => {
      const upstream = this.track(net.connect(target.port, target.host));
      if (first) upstream.write(first);
      socket.pipe(upstream).pipe(socket);
      upstream.on('close', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
    };
    const refuse = (socket: net.Socket, encryption: 'no encryption' | 'SSL encryption') =>
      socket.once('data', () => socket.end(hbaRefusal(encryption)));
    this.server = net.createServer((socket) => {
      this.track(socket);
      socket.once('data', (first) => {
        if (!first.equals(sslRequest)) {
          this.log.push(behaviour.plain === 'carry' ? 'plain' : 'plain refused');
          if (behaviour.plain === 'carry') return carry(socket, first);
          return void socket.end(hbaRefusal('no encryption'));
        }
        if (behaviour.tls === 'no') {
          socket.write('N');
          // The startup message follows in plain text on the same connection.
          return void socket.once('data', (startup) => {
            this.log.push(behaviour.plain === 'carry' ? 'plain' : 'plain refused');
            if (behaviour.plain === 'carry') carry(socket, startup);
            else socket.end(hbaRefusal('no encryption'));
          });
        }
        if (behaviour.tls === 'hang up') {
          this.log.push('hung up');
          return void socket.destroy();
        }
        if (behaviour.tls === 'broken') {
          this.log.push('tls broken');
          return void socket.end('S');
        }
        socket.write('S');
        const secure = this.track(new tls.TLSSocket(socket, { isServer: true, ...tlsIdentity }));
        secure.once('secure', () => {
          if (behaviour.overTls === 'refuse') {
            this.log.push('tls refused');
            return void refuse(secure, 'SSL encryption');
          }
          this.log.push('tls');
          carry(secure, undefined);
        });
      });
    });
  }

  /** The connections that were TLS sessions carried to the server. */
  get tlsSessions(): number {
    return this.log.filter((entry) => entry === 'tls').length;
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
let front: Front;
let folder: string;
let caFile: string;
/** The self-signed certificate and key the fronts speak TLS with. */
let identity: { cert: string; key: string };
let target: { host: string; port: number };
const stores: Store[] = [];
const fronts: Front[] = [];
const savedSslMode = process.env.PGSSLMODE;

beforeAll(async () => {
  db = await createTestDatabase();
  folder = mkdtempSync(join(tmpdir(), 'wi-sslmode-'));
  caFile = join(folder, 'cert.pem');
  // Named for another host: verify-full must refuse it, verify-ca (the chain only) take it.
  makeSelfSignedCertificate(folder, 'db.example', 'DNS:db.example');
  identity = {
    cert: readFileSync(caFile, 'utf8'),
    key: readFileSync(join(folder, 'key.pem'), 'utf8'),
  };
  const admin = new URL(postgresAdminUrl);
  target = { host: admin.hostname, port: Number(admin.port || 5432) };
  // TLS only, as a server whose pg_hba.conf has `hostssl` lines only.
  front = new Front(identity, target, { tls: 'yes', plain: 'refuse' });
  await front.start();
});

afterEach(async () => {
  if (savedSslMode === undefined) delete process.env.PGSSLMODE;
  else process.env.PGSSLMODE = savedSslMode;
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(fronts.splice(0).map((f) => f.stop()));
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

/** A front that answers as `behaviour` says, for one test. */
async function frontThat(behaviour: Behaviour): Promise<Front> {
  const started = new Front(identity, target, behaviour);
  fronts.push(started);
  await started.start();
  return started;
}

/** The test database's URL through `through` (the TLS-only front), with `query` added. */
function viaTls(query: string, through: Front = front): string {
  const url = new URL(db.url);
  url.host = `127.0.0.1:${through.port}`;
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

// libpq's order: `allow` tries plain text first and TLS only when the server refuses plain
// text; `prefer` tries TLS first and plain text when TLS fails in any way, on a new connection.
describe('sslmode=allow: plain text first, TLS when the server refuses plain text', () => {
  it('uses plain text on a server that has both', async () => {
    const both = await frontThat({ tls: 'yes', plain: 'carry' });
    const store = await open(viaTls('sslmode=allow', both));
    await expect(store.ping()).resolves.toBeUndefined();
    expect(both.log).toEqual(['plain']);
  });

  it('connects over TLS to a server that takes TLS only (pg_hba.conf hostssl)', async () => {
    const tlsOnly = await frontThat({ tls: 'yes', plain: 'refuse' });
    const store = await open(viaTls('sslmode=allow', tlsOnly));
    await store.migrate();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(tlsOnly.log.slice(0, 2)).toEqual(['plain refused', 'tls']);
  });

  it('names the sslmode and both failures when TLS does not work either', async () => {
    const broken = await frontThat({ tls: 'broken', plain: 'refuse' });
    const store = await open(viaTls('sslmode=allow', broken));
    await expect(store.ping()).rejects.toThrow(
      /sslmode=allow: the server refused the connection in plain text \(no pg_hba\.conf entry .*no encryption\), and the TLS handshake failed \(.+\)/,
    );
  });

  it('says the server has no TLS when it refuses plain text and answers that', async () => {
    const neither = await frontThat({ tls: 'no', plain: 'refuse' });
    const store = await open(viaTls('sslmode=allow', neither));
    await expect(store.ping()).rejects.toThrow(
      /sslmode=allow: the server refused the connection in plain text \(no pg_hba\.conf entry .*\), and the server does not offer TLS/,
    );
    expect(neither.log).toEqual(['plain refused']);
  });
});

describe('sslmode=prefer: plain text when TLS fails', () => {
  it('falls back to plain text when the TLS handshake fails', async () => {
    const broken = await frontThat({ tls: 'broken', plain: 'carry' });
    const store = await open(viaTls('sslmode=prefer', broken));
    await store.migrate();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(broken.log.slice(0, 2)).toEqual(['tls broken', 'plain']);
  });

  it('falls back to plain text when the certificate fails sslrootcert', async () => {
    const other = mkdtempSync(join(tmpdir(), 'wi-sslmode-other-'));
    try {
      const { certFile } = makeSelfSignedCertificate(other, 'other CA', 'DNS:db.example');
      const both = await frontThat({ tls: 'yes', plain: 'carry' });
      const url = viaTls(`sslmode=prefer&sslrootcert=${encodeURIComponent(certFile)}`, both);
      const store = await open(url);
      await expect(store.ping()).resolves.toBeUndefined();
      expect(both.log).toEqual(['plain']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('falls back to plain text when the server refuses TLS connections (hostnossl)', async () => {
    const plainOnly = await frontThat({ tls: 'yes', overTls: 'refuse', plain: 'carry' });
    const store = await open(viaTls('sslmode=prefer', plainOnly));
    await store.migrate();
    await expect(store.ping()).resolves.toBeUndefined();
    expect(plainOnly.log.slice(0, 2)).toEqual(['tls refused', 'plain']);
  });

  it('says so at once when the server closes the connection instead of answering', async () => {
    const rude = await frontThat({ tls: 'hang up', plain: 'carry' });
    // pg's own wait for an answer, far longer than this test: the old code ran into it.
    const store = await openStore({
      database: viaTls('sslmode=prefer', rude),
      connectTimeoutMs: 60_000,
    });
    stores.push(store);
    await expect(store.ping()).rejects.toThrow(
      /sslmode=prefer: the server closed the connection without answering the request for TLS/,
    );
  });

  it('names the sslmode and both failures, keeping the SQLSTATE', async () => {
    const neither = await frontThat({ tls: 'broken', plain: 'refuse' });
    const store = await open(viaTls('sslmode=prefer', neither));
    const error = await store.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(
      /sslmode=prefer: the TLS handshake failed \(.+\), and the server refused the connection in plain text \(no pg_hba\.conf entry .*no encryption\)/,
    );
    // The CLI's advice for a server that takes TLS only goes by it.
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('28000');
  });
});

// libpq 16: the system's trusted CAs, and verify-full (any weaker sslmode is an error). pg read
// a file named `system`. Node reads NODE_EXTRA_CA_CERTS when it starts: the CLI trusts the
// fronts' certificates that way.
describe('sslrootcert=system', () => {
  let cwd: string;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-sslmode-cli-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each(['', 'sslmode=verify-full&'])(
    '%ssslrootcert=system refuses a certificate no system CA signed',
    async (mode) => {
      const store = await open(viaTls(`${mode}sslrootcert=system`));
      await expect(store.ping()).rejects.toThrow(/self[- ]signed certificate/);
    },
  );

  it('a weaker sslmode with it is refused at open, as libpq does', async () => {
    await expect(
      openStore({ database: `${db.url}?sslmode=require&sslrootcert=system` }),
    ).rejects.toThrow(
      new InvalidDatabaseError(
        "sslmode=require may not be used with sslrootcert=system, which checks the server's " +
          "certificate against the system's CAs and its host name: write sslmode=verify-full, or " +
          'leave sslmode out',
      ),
    );
  });

  it('connects over TLS when a trusted CA signed the certificate for the host', async () => {
    const own = mkdtempSync(join(tmpdir(), 'wi-sslmode-loopback-'));
    try {
      const { certFile, keyFile } = makeSelfSignedCertificate(own, 'loopback', 'IP:127.0.0.1');
      const trusted = new Front(
        { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') },
        target,
        { tls: 'yes', plain: 'refuse' },
      );
      fronts.push(trusted);
      await trusted.start();
      const result = await runCli(
        ['migrate', '--database', viaTls('sslrootcert=system', trusted)],
        { cwd, env: { NODE_EXTRA_CA_CERTS: certFile }, timeoutMs: 60_000 },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(trusted.tlsSessions).toBeGreaterThan(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('checks the host name too (verify-full)', async () => {
    // Trusted, but made for db.example.
    const result = await runCli(['migrate', '--database', viaTls('sslrootcert=system')], {
      cwd,
      env: { NODE_EXTRA_CA_CERTS: caFile },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^workos-inbox: cannot connect to the database: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list: the server's TLS certificate is not made out to the host in the URL, and sslmode=verify-full \(or sslrootcert=system\) checks the host name\. Connect by a name the certificate lists, or check its CA only with sslmode=verify-ca&sslrootcert=\/path\/ca\.pem, in the URL given by --database \(DATABASE_URL\)\n$/,
    );
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

  // libpq 17's direct TLS handshake has no plain text to fall back to.
  it.each(['disable', 'allow', 'prefer'])(
    'sslmode=%s with sslnegotiation=direct is refused at open, as libpq does',
    async (mode) => {
      await expect(
        openStore({ database: `${db.url}?sslmode=${mode}&sslnegotiation=direct` }),
      ).rejects.toThrow(
        new InvalidDatabaseError(
          `sslmode=${mode} may not be used with sslnegotiation=direct, which starts TLS at once ` +
            'with nothing to fall back to: write sslmode=require, verify-ca or verify-full, or ' +
            'remove sslnegotiation=direct',
        ),
      );
    },
  );

  it('sslmode=verify-ca without sslrootcert says what to write instead', async () => {
    await expect(openStore({ database: `${db.url}?sslmode=verify-ca` })).rejects.toThrow(
      /sslmode=verify-ca checks the server's certificate against a CA you name: add sslrootcert=.*or use sslmode=verify-full .* or sslmode=require/,
    );
  });
});
