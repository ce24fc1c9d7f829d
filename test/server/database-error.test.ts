// The connection settings a URL can get wrong, as pg and Node report them, in one line each with
// the way out and exit 3 (they were the driver's error with a stack, exit 1). The messages are
// pg 8's own (a scram server with no password in the URL; sslmode against a server without TLS;
// a certificate file the URL names that does not exist).
import { describe, expect, it } from 'vitest';
import { databaseCliError } from '../../src/cli/database-error.js';

const fsError = (path: string) =>
  Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
    code: 'ENOENT',
    syscall: 'open',
    path,
  });

describe('databaseCliError', () => {
  it.each([
    [
      'a password the server asks for',
      new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
      /asks for a password and the URL has none: postgres:\/\/<user>:<password>@/,
    ],
    [
      'TLS the server does not speak',
      new Error('The server does not support SSL connections'),
      /does not accept TLS, and the URL asks for it \(sslmode\)/,
    ],
    [
      // verify-full (or sslrootcert=system) and a provider's CA that is not among Node's.
      'a certificate signed by a CA the client does not know',
      Object.assign(new Error('unable to get local issuer certificate'), {
        code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      }),
      /unable to get local issuer certificate: the server's TLS certificate is not trusted\. Name its CA in the URL \(sslrootcert=/,
    ],
    [
      'a certificate file that is not there',
      fsError('/nonexistent.pem'),
      /cannot read \/nonexistent\.pem, named in the URL \(sslrootcert/,
    ],
    [
      'a server that takes TLS connections only, and a URL without sslmode',
      Object.assign(
        new Error(
          'no pg_hba.conf entry for host "10.0.0.5", user "app", database "app", no encryption',
        ),
        { code: '28000' },
      ),
      /no encryption\. The server takes TLS connections only: add \?sslmode=require \(or verify-full/,
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      /cannot connect to the database: connect ECONNREFUSED .*--database \(DATABASE_URL\)/,
    ],
  ])('%s: exit 3, one line naming the fix', (_name, error, message) => {
    const mapped = databaseCliError(new Error('PostgreSQL unavailable', { cause: error }));
    expect(mapped).toMatchObject({ exitCode: 3, message: expect.stringMatching(message) });
    expect(mapped!.message).toContain('--database (DATABASE_URL)');
  });

  it('names PGSSLMODE when it is set: the URL may have no sslmode at all', () => {
    const saved = process.env.PGSSLMODE;
    process.env.PGSSLMODE = 'require';
    try {
      const mapped = databaseCliError(new Error('The server does not support SSL connections'));
      expect(mapped?.message).toContain('asks for it (sslmode, or PGSSLMODE=require)');
      expect(mapped?.message).toContain('and unset PGSSLMODE');
    } finally {
      if (saved === undefined) delete process.env.PGSSLMODE;
      else process.env.PGSSLMODE = saved;
    }
  });

  it('leaves other errors alone (a query bug is not the URL)', () => {
    expect(databaseCliError(new Error('syntax error at or near "SELEC"'))).toBeUndefined();
    // A file error of another kind is the file-system mapping's, not this one's.
    expect(
      databaseCliError(
        Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'stat', path: '/x' }),
      ),
    ).toBeUndefined();
  });
});
