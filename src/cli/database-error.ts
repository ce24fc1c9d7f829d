import { defaults } from '../defaults.js';
import { CliError, exitCodes } from './exit-codes.js';
import {
  missingDatabaseAdvice,
  missingDatabaseCode,
  missingDatabaseName,
} from '../store/postgres/unavailable.js';

interface DriverError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  /** Node's file-system errors (a certificate file the URL names). */
  path?: unknown;
  syscall?: unknown;
}

/** Connection failures reported by node:net, and PostgreSQL's authentication failures. */
const unreachable = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const refused = new Set(['28P01', '28000']);
/** SQLSTATE 42501 insufficient_privilege, 3F000 invalid_schema_name. */
const noPrivilege = '42501';
const noSchema = '3F000';
/** Where the URL comes from, for every message about it. */
const where = `${defaults.database.flag.split(' ')[0]} (${defaults.database.env})`;

/**
 * A database driver's error as the one-line message and exit code (3) that docs/cli.md promises,
 * or `undefined` when `error` is not one of them. The driver's error is kept as `cause`.
 */
export function databaseCliError(error: unknown): CliError | undefined {
  for (let e = error as DriverError | undefined, depth = 0; e && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    if (code === missingDatabaseCode) {
      return new CliError(
        `${missingDatabaseAdvice(missingDatabaseName(message))}, then run this again; ` +
          '`workos-inbox migrate` creates the tables.',
        exitCodes.database,
        'no_database',
        { cause: error },
      );
    }
    // pg_hba.conf has only `hostssl` lines for this client: psql got in with TLS (libpq's default
    // sslmode is prefer), pg speaks plain text unless the URL asks for TLS.
    if (code === '28000' && /no encryption/.test(message)) {
      return new CliError(
        `cannot connect to the database: ${message}. The server takes TLS connections only: ` +
          `add ?sslmode=require (or verify-full, to check its certificate) to the URL given by ${where}`,
        exitCodes.database,
        'database_unreachable',
        { cause: error },
      );
    }
    if (code !== undefined && (unreachable.has(code) || refused.has(code))) {
      return new CliError(
        `cannot connect to the database: ${message || code}. Check the URL given by ${where}`,
        exitCodes.database,
        'database_unreachable',
        { cause: error },
      );
    }
    // pg-pool's own words for a connection the server never answered (a host that is down, a
    // firewall that drops the packets): they named neither the wait nor where the URL comes from.
    if (/^Connection terminated due to connection timeout$/.test(message)) {
      return new CliError(
        `cannot connect to the database: no answer within ${defaults.connectTimeoutMs.value / 1000} s ` +
          `(is the server up, and its port open to this machine?). Check the URL given by ${where}`,
        exitCodes.database,
        'database_unreachable',
        { cause: error },
      );
    }
    const connecting = connectionProblem(code, message, e);
    if (connecting) {
      return new CliError(
        `cannot connect to the database: ${connecting}`,
        exitCodes.database,
        'database_unreachable',
        { cause: error },
      );
    }
    if (code === noPrivilege && /permission denied for (schema|database)/.test(message)) {
      return new CliError(
        `the database refused to create the inbox's tables (${message}). Run \`workos-inbox ` +
          "migrate` as a role that may (the database's owner), grant this one `CREATE` on the " +
          'schema (`GRANT CREATE ON SCHEMA public TO <role>;`), or give it a schema of its own ' +
          '(`schema` option of the library)',
        exitCodes.database,
        'store_unavailable',
        { cause: error },
      );
    }
    if (code === noSchema) {
      return new CliError(
        `${message}: the search_path of the URL's options names no schema that exists. Create ` +
          `it (\`CREATE SCHEMA <name>;\`) or change the URL given by ${where}`,
        exitCodes.database,
        'store_unavailable',
        { cause: error },
      );
    }
    e = e.cause as DriverError | undefined;
  }
  return undefined;
}

/**
 * Connection settings of the URL the server or the client cannot work with, in words: a password
 * the server asks for and the URL lacks, TLS the server does not speak, a certificate file that
 * cannot be read. Undefined for anything else.
 */
function connectionProblem(
  code: string | undefined,
  message: string,
  e: { path?: unknown; syscall?: unknown },
): string | undefined {
  if (/client password must be a string|no password was provided/i.test(message)) {
    return (
      'the server asks for a password and the URL has none: ' +
      `postgres://<user>:<password>@<host>/<database> (${where})`
    );
  }
  if (/does not support SSL connections/i.test(message)) {
    // PGSSLMODE asks for TLS too when the URL says nothing about it: name it, or the user looks
    // for an sslmode the URL does not have.
    const env = process.env.PGSSLMODE;
    return (
      `the server does not accept TLS, and the URL asks for it (sslmode${env ? `, or PGSSLMODE=${env}` : ''}): ` +
      `write sslmode=prefer (TLS when the server has it) or remove sslmode in the URL given by ` +
      `${where}${env ? ' and unset PGSSLMODE' : ''}, or turn TLS on in the server`
    );
  }
  // The server hung up on the TLS ClientHello: sslnegotiation=direct to a server that does not
  // take TLS at once (before PostgreSQL 17, or without TLS), or a host and port that are not a
  // PostgreSQL server's. It said only "PostgreSQL unavailable … Client network socket
  // disconnected before secure TLS connection was established".
  if (/disconnected before secure TLS connection was established/i.test(message)) {
    return (
      'the server closed the connection during the TLS handshake. With sslnegotiation=direct ' +
      'it must take TLS at once (PostgreSQL 17 or later, with TLS on): remove ' +
      `sslnegotiation=direct, or check the host and port, in the URL given by ${where}`
    );
  }
  if (
    /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate|certificate has expired/i.test(
      message,
    )
  ) {
    return (
      `${message}: the server's TLS certificate is not trusted. Name its CA in the URL ` +
      `(sslrootcert=/path/ca.pem), or write sslmode=require to encrypt without checking it, in ` +
      `the URL given by ${where}`
    );
  }
  // verify-full (sslrootcert=system implies it) checks the name too: a trusted certificate made
  // out to another name, or a URL that gives the server's address.
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return (
      `${message.replace(/[\s:]+$/, '')}: the server's TLS certificate is not made out to the ` +
      'host in the URL, and sslmode=verify-full (or sslrootcert=system) checks the host name. ' +
      'Connect by a name the certificate lists, or check its CA only with ' +
      `sslmode=verify-ca&sslrootcert=/path/ca.pem, in the URL given by ${where}`
    );
  }
  if (code === 'ENOENT' && typeof e.path === 'string' && e.syscall === 'open') {
    return (
      `cannot read ${e.path}, named in the URL (sslrootcert, sslcert or sslkey): no such file. ` +
      `Check the URL given by ${where}`
    );
  }
  return undefined;
}
