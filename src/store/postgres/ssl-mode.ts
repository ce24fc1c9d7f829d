import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * The `sslmode` values understood: libpq's six, and pg's own `no-verify` (TLS, certificate not
 * checked).
 */
const sslModes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

/** The URL's query (the last value of a key wins, as in pg's parser), or none. */
function queryOf(url: string): URLSearchParams {
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1).split('#')[0]);
}

function last(query: URLSearchParams, key: string): string | undefined {
  return query.getAll(key).at(-1);
}

/**
 * The sslmode a URL asks for, and where it says so: its own `sslmode`, else PGSSLMODE when the
 * URL says nothing about TLS (pg reads PGSSLMODE only then).
 */
function sslModeOf(url: string): { mode: string; where: string } | undefined {
  const query = queryOf(url);
  const mode = last(query, 'sslmode');
  if (mode !== undefined) return { mode, where: 'sslmode' };
  if (['ssl', 'sslcert', 'sslkey', 'sslrootcert'].some((k) => query.has(k))) return undefined;
  const env = process.env.PGSSLMODE;
  return env ? { mode: env, where: 'PGSSLMODE' } : undefined;
}

/**
 * What is wrong with a PostgreSQL URL's sslmode, or undefined. pg takes an unknown value for
 * `verify-full`, and fails `verify-ca` without a CA only when it connects, with a long warning.
 */
export function sslModeProblem(url: string): string | undefined {
  const asked = sslModeOf(url);
  if (asked === undefined) return undefined;
  const { mode, where } = asked;
  if (!sslModes.includes(mode)) {
    return `${where}=${mode} is not an sslmode: use one of ${sslModes.join(', ')}`;
  }
  if (mode === 'verify-ca' && !queryOf(url).has('sslrootcert')) {
    return (
      `${where}=verify-ca checks the server's certificate against a CA you name: add ` +
      'sslrootcert=/path/to/ca.pem to the URL, or use sslmode=verify-full (the system CAs and the ' +
      'host name) or sslmode=require (encrypted, certificate not checked)'
    );
  }
  return undefined;
}

/** PostgreSQL's SSLRequest: length 8, code 80877103. */
const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * The socket pg connects through for sslmode `prefer` (and `allow`): it asks the server for TLS
 * and, when the server answers that it has none ('N'), carries on in plain text, as libpq does.
 * pg itself only knows TLS-or-fail. pg is given `ssl: false` and sees a connected socket, plain or
 * TLS underneath. A Unix socket gets no TLS (nor does it in libpq).
 */
class PreferTlsSocket extends Duplex {
  private readonly raw = new net.Socket();
  private inner: net.Socket | undefined;

  constructor(private readonly tlsOptions: tls.ConnectionOptions) {
    // As a net.Socket: the server closing its side closes ours.
    super({ allowHalfOpen: false });
    this.raw.on('error', (error) => this.destroy(error));
  }

  setNoDelay(noDelay?: boolean): this {
    this.raw.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.raw.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.raw.ref();
    return this;
  }

  unref(): this {
    this.raw.unref();
    return this;
  }

  connect(portOrPath: number | string, host?: string): this {
    if (typeof portOrPath === 'string') {
      this.raw.connect(portOrPath, () => this.attach(this.raw));
      return this;
    }
    const to = host ?? 'localhost';
    this.raw.connect(portOrPath, to, () => {
      this.raw.write(sslRequest);
      this.raw.once('data', (answer) => this.answered(answer, to));
    });
    return this;
  }

  private answered(answer: Buffer, host: string): void {
    // One byte and nothing after it: bytes behind the 'S' would be read as if they came over TLS.
    if (answer.length === 1 && answer[0] === 0x4e /* N: no TLS here */) {
      this.attach(this.raw);
    } else if (answer.length === 1 && answer[0] === 0x53 /* S */) {
      const secure = tls.connect({
        ...this.tlsOptions,
        socket: this.raw,
        host,
        // SNI takes a name, never an address (RFC 6066).
        ...(net.isIP(host) === 0 ? { servername: host } : {}),
      });
      secure.on('error', (error) => this.destroy(error));
      secure.once('secureConnect', () => this.attach(secure));
    } else {
      this.destroy(new Error('There was an error establishing an SSL connection'));
    }
  }

  private attach(socket: net.Socket): void {
    this.inner = socket;
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    this.emit('connect');
  }

  override _read(): void {
    this.inner?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void) {
    if (this.inner) this.inner.write(chunk, done);
    else done(new Error('write before the connection to PostgreSQL was made'));
  }

  override _final(done: (e?: Error | null) => void): void {
    if (this.inner) this.inner.end(() => done());
    else done();
  }

  override _destroy(error: Error | null, done: (e: Error | null) => void): void {
    this.inner?.destroy();
    this.raw.destroy();
    done(error);
  }
}

/**
 * The connection string and settings that make pg follow the URL's sslmode as libpq does:
 *
 * - `require` encrypts without checking the certificate (checking it against `sslrootcert` when
 *   the URL names one), `verify-ca` checks it against `sslrootcert` only: pg's libpq-compatible
 *   parsing, where pg 8 by default takes both for `verify-full` (hosted databases' certificates,
 *   signed by their own CA, failed) and warns on every start.
 * - `prefer` and `allow` try TLS and fall back to plain text when the server has none (pg 8
 *   failed). `allow` asks for TLS first too: the server is the same one libpq would reach.
 * - `disable`, `verify-full`, `no-verify` and no sslmode: pg's own handling, unchanged.
 */
export function sslSettings(url: string): { connectionString: string; stream?: () => Duplex } {
  const asked = sslModeOf(url);
  if (asked === undefined) return { connectionString: url };
  const { mode } = asked;
  const at = url.indexOf('?');
  const base = at < 0 ? url : url.slice(0, at);
  const query = queryOf(url);
  const withQuery = () => `${base}?${query.toString()}`;
  if (mode === 'require' || mode === 'verify-ca') {
    query.set('sslmode', mode);
    query.set('uselibpqcompat', 'true');
    return { connectionString: withQuery() };
  }
  if (mode !== 'prefer' && mode !== 'allow') return { connectionString: url };
  const file = (key: string) => {
    const path = last(query, key);
    return path === undefined ? undefined : readFileSync(path, 'utf8');
  };
  const ca = file('sslrootcert');
  const tlsOptions: tls.ConnectionOptions = {
    // libpq checks the chain (not the host name) when a root certificate is named, nothing when not.
    ...(ca === undefined
      ? { rejectUnauthorized: false }
      : { ca, checkServerIdentity: () => undefined }),
    ...(query.has('sslcert') ? { cert: file('sslcert') } : {}),
    ...(query.has('sslkey') ? { key: file('sslkey') } : {}),
  };
  for (const key of ['sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'uselibpqcompat']) {
    query.delete(key);
  }
  // pg speaks plain text to the socket; `disable` also keeps it from reading PGSSLMODE.
  query.set('sslmode', 'disable');
  return { connectionString: withQuery(), stream: () => new PreferTlsSocket(tlsOptions) };
}
