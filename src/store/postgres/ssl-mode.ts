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
 * libpq 16's `sslrootcert=system`: the system's trusted CAs (Node's: its bundled list and
 * NODE_EXTRA_CA_CERTS, or OpenSSL's store with --use-openssl-ca), with `verify-full` only.
 */
function systemRoots(query: URLSearchParams): boolean {
  return last(query, 'sslrootcert') === 'system';
}

/**
 * The sslmode a URL asks for, and where it says so: its own `sslmode`, else `verify-full` for
 * `sslrootcert=system`, else PGSSLMODE when the URL says nothing about TLS (pg reads PGSSLMODE
 * only then).
 */
function sslModeOf(url: string): { mode: string; where: string } | undefined {
  const query = queryOf(url);
  const mode = last(query, 'sslmode');
  if (mode !== undefined) return { mode, where: 'sslmode' };
  if (systemRoots(query)) return { mode: 'verify-full', where: 'sslrootcert=system' };
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
  if (systemRoots(queryOf(url)) && mode !== 'verify-full') {
    // As libpq: the system's CAs sign certificates for anyone's host names.
    return (
      `${where}=${mode} may not be used with sslrootcert=system, which checks the server's ` +
      "certificate against the system's CAs and its host name: write sslmode=verify-full, or " +
      'leave sslmode out'
    );
  }
  const direct = last(queryOf(url), 'sslnegotiation') === 'direct';
  if (direct && ['disable', 'allow', 'prefer'].includes(mode)) {
    // libpq refuses it too; pg took it for a connection failure ("requires SSL to be enabled").
    return (
      `${where}=${mode} may not be used with sslnegotiation=direct, which starts TLS at once ` +
      'with nothing to fall back to: write sslmode=require, verify-ca or verify-full, or remove ' +
      'sslnegotiation=direct'
    );
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

/** The message and SQLSTATE of a backend ErrorResponse (type, length, then code-byte + text fields). */
function errorFields(message: Buffer): { message: string; code: string | undefined } {
  const fields = new Map<string, string>();
  for (let at = 5; at < message.length && message[at] !== 0;) {
    const end = message.indexOf(0, at + 1);
    if (end < 0) break;
    fields.set(String.fromCharCode(message[at]!), message.toString('utf8', at + 1, end));
    at = end + 1;
  }
  return { message: fields.get('M') ?? 'an error with no message', code: fields.get('C') };
}

/** A connection refused by the server, or a TLS failure, with the SQLSTATE when there is one. */
class SslModeConnectError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

type Transport = 'TLS' | 'plain text';

/**
 * The socket pg connects through for sslmode `prefer` and `allow`, which pg does not know: it
 * tries one transport and, when that fails, the other, as libpq does. `prefer` asks for TLS
 * first: the server answering that it has none ('N') means plain text on the same connection; a
 * failed TLS handshake, or the server refusing the connection over TLS, means a new connection in
 * plain text. `allow` starts in plain text and tries TLS on a new connection when the server
 * refuses plain text (pg_hba.conf `hostssl`). A refusal is an ErrorResponse as the first answer to
 * the startup message, before any authentication; pg's startup message is kept until then and
 * sent again on the second connection. (libpq also retries after a failed password exchange, which
 * cannot be replayed.) pg is given `ssl: false` and sees one connected socket. A Unix socket gets
 * no TLS (nor does it in libpq).
 */
class FallbackSocket extends Duplex {
  private readonly sockets = new Set<net.Socket>();
  /** The TCP socket of the connection being tried or used. */
  private current: net.Socket | undefined;
  private readonly wrapped = new WeakSet<net.Socket>();
  /** The socket pg's bytes go through, once a transport is chosen. */
  private inner: net.Socket | undefined;
  /** What pg sent while the server's first answer is awaited, to send again on a retry. */
  private sent: Buffer[] | undefined = [];
  private heard = Buffer.alloc(0);
  private connected = false;
  private noDelay = false;
  private keepAlive: [boolean | undefined, number | undefined] | undefined;
  private refed = true;
  private port = 0;
  private host = 'localhost';

  constructor(
    private readonly mode: 'prefer' | 'allow',
    private readonly tlsOptions: tls.ConnectionOptions,
  ) {
    // As a net.Socket: the server closing its side closes ours.
    super({ allowHalfOpen: false });
  }

  setNoDelay(noDelay = true): this {
    this.noDelay = noDelay;
    for (const socket of this.sockets) socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.keepAlive = [enable, initialDelay];
    for (const socket of this.sockets) socket.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.refed = true;
    for (const socket of this.sockets) socket.ref();
    return this;
  }

  unref(): this {
    this.refed = false;
    for (const socket of this.sockets) socket.unref();
    return this;
  }

  connect(portOrPath: number | string, host?: string): this {
    if (typeof portOrPath === 'string') {
      const raw = this.socket();
      raw.on('error', (error) => this.destroy(error));
      raw.connect(portOrPath, () => this.attach(raw, false));
      return this;
    }
    this.port = portOrPath;
    this.host = host ?? 'localhost';
    this.attempt(this.mode === 'prefer' ? 'TLS' : 'plain text');
    return this;
  }

  /** A new TCP socket with pg's settings. */
  private socket(): net.Socket {
    const raw = new net.Socket();
    this.sockets.add(raw);
    raw.setNoDelay(this.noDelay);
    if (this.keepAlive) raw.setKeepAlive(...this.keepAlive);
    if (!this.refed) raw.unref();
    return raw;
  }

  /** One connection over `transport`; `first`, on the retry, is why the first one failed. */
  private attempt(transport: Transport, first?: string): void {
    const raw = this.socket();
    this.current = raw;
    raw.on('error', (error) => {
      // Once TLS runs over it, its failures are the TLS socket's.
      if (this.current === raw && !this.wrapped.has(raw)) this.destroy(error);
    });
    raw.on('close', () => {
      // Closed with no answer to the SSLRequest: pg would wait for one until its timeout.
      if (this.current === raw && this.inner !== raw && !this.wrapped.has(raw)) {
        const closed = 'the server closed the connection without answering the request for TLS';
        this.fail(first ? `${first}, and ${closed}` : closed);
      }
    });
    raw.connect(this.port, this.host, () => {
      if (transport === 'plain text') return this.attach(raw, true, first);
      raw.write(sslRequest);
      raw.once('data', (answer) => this.answered(raw, answer, first));
    });
  }

  private answered(raw: net.Socket, answer: Buffer, first: string | undefined): void {
    // One byte and nothing after it: bytes behind the 'S' would be read as if they came over TLS.
    if (answer.length === 1 && answer[0] === 0x4e /* N: no TLS here */) {
      if (first === undefined) return this.attach(raw, false);
      return this.fail(`${first}, and the server does not offer TLS`);
    }
    if (answer.length !== 1 || answer[0] !== 0x53 /* S */) {
      return this.fail(
        `${first ? `${first}, and ` : ''}the server's answer to the request for TLS was not ` +
          "a single 'S' or 'N'",
      );
    }
    this.wrapped.add(raw);
    const secure = tls.connect({
      ...this.tlsOptions,
      socket: raw,
      host: this.host,
      // SNI takes a name, never an address (RFC 6066).
      ...(net.isIP(this.host) === 0 ? { servername: this.host } : {}),
    });
    this.sockets.add(secure);
    let handshaken = false;
    secure.on('error', (error) => {
      if (this.current !== raw) return;
      if (handshaken) return void this.destroy(error);
      raw.destroy();
      const failed = `the TLS handshake failed (${error.message})`;
      if (first === undefined) this.attempt('plain text', failed);
      else this.fail(`${first}, and ${failed}`, undefined, error);
    });
    secure.once('secureConnect', () => {
      handshaken = true;
      this.attach(secure, true, first);
    });
  }

  /**
   * Carry pg's bytes over `socket`. With `watch`, the server's first message is held: an
   * ErrorResponse there is a refusal of this transport, tried again over the other one.
   */
  private attach(socket: net.Socket, watch: boolean, first?: string): void {
    this.inner = socket;
    for (const chunk of this.sent ?? []) socket.write(chunk);
    if (!watch) this.sent = undefined;
    socket.on('data', (chunk: Buffer) => {
      if (this.inner !== socket) return;
      if (this.sent === undefined) {
        if (!this.push(chunk)) socket.pause();
        return;
      }
      this.heard = Buffer.concat([this.heard, chunk]);
      if (this.heard.length < 5) return;
      if (this.heard[0] !== 0x45 /* E */) {
        this.sent = undefined;
        const heard = this.heard;
        this.heard = Buffer.alloc(0);
        if (!this.push(heard)) socket.pause();
        return;
      }
      const length = 1 + this.heard.readInt32BE(1);
      if (this.heard.length < length) return;
      const refusal = errorFields(this.heard.subarray(0, length));
      this.heard = Buffer.alloc(0);
      this.inner = undefined;
      socket.destroy();
      const over = socket instanceof tls.TLSSocket ? 'over TLS' : 'in plain text';
      const refused = `the server refused the connection ${over} (${refusal.message})`;
      if (first === undefined) {
        this.attempt(socket instanceof tls.TLSSocket ? 'plain text' : 'TLS', refused);
      } else {
        this.fail(`${first}, and ${refused}`, refusal.code);
      }
    });
    socket.on('end', () => {
      if (this.inner === socket) this.push(null);
    });
    socket.on('close', () => {
      if (this.inner === socket) this.destroy();
    });
    if (this.connected) return;
    this.connected = true;
    this.emit('connect');
  }

  private fail(why: string, code?: string, cause?: Error): void {
    this.destroy(
      new SslModeConnectError(`sslmode=${this.mode}: ${why}`, code, cause ? { cause } : undefined),
    );
  }

  override _read(): void {
    this.inner?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void) {
    this.sent?.push(chunk);
    if (this.inner) this.inner.write(chunk, done);
    else if (this.sent) done();
    else done(new Error('write before the connection to PostgreSQL was made'));
  }

  override _final(done: (e?: Error | null) => void): void {
    if (this.inner) this.inner.end(() => done());
    else done();
  }

  override _destroy(error: Error | null, done: (e: Error | null) => void): void {
    for (const socket of this.sockets) socket.destroy();
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
 * - `prefer` tries TLS, then plain text; `allow` plain text, then TLS (pg 8 knew neither).
 * - `sslrootcert=system` (only with `verify-full`, which it implies): pg's `verify-full` without a
 *   CA file, so Node's trusted CAs.
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
  if (systemRoots(query)) {
    // pg would read a file named `system`; without a CA it checks against Node's.
    query.delete('sslrootcert');
    query.set('sslmode', 'verify-full');
    return { connectionString: withQuery() };
  }
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
  return { connectionString: withQuery(), stream: () => new FallbackSocket(mode, tlsOptions) };
}
