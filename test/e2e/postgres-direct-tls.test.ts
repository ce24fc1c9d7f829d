// `sslnegotiation=direct` (TLS at once, PostgreSQL 17) to a server that does not take it: the
// server hangs up on the ClientHello, and the CLI said only "PostgreSQL unavailable while checking
// the schema: Client network socket disconnected before secure TLS connection was established".
// Now: exit 3, one line naming sslnegotiation=direct, what the server must do, and the setting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdminUrl } from '../helpers/postgres.js';
import { ensureBuilt, runCli } from './cli-harness.js';

/** Whether the run's server takes direct TLS (17 or later with ssl on): then there is no failure to see. */
async function takesDirectTls(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number; ssl: string }>(
      "SELECT current_setting('server_version_num')::int AS version, current_setting('ssl') AS ssl",
    );
    return rows[0]!.version >= 170000 && rows[0]!.ssl === 'on';
  } finally {
    await client.end();
  }
}

const direct = await takesDirectTls();
if (direct) console.warn('skipping: this PostgreSQL takes sslnegotiation=direct');

describe.skipIf(direct)('sslnegotiation=direct to a server that does not take it', () => {
  let cwd: string;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-direct-tls-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([[['stats', '--json']], [['migrate']], [['serve', '--port', '0']]])(
    '%s exits 3 naming sslnegotiation=direct and where the URL comes from',
    async (command) => {
      const url = new URL(postgresAdminUrl);
      url.search = 'sslmode=require&sslnegotiation=direct';
      const result = await runCli([...command, '--database', url.toString()], { cwd });
      const line =
        'cannot connect to the database: the server closed the connection during the TLS ' +
        'handshake. With sslnegotiation=direct it must take TLS at once (PostgreSQL 17 or later, ' +
        'with TLS on): remove sslnegotiation=direct, or check the host and port, in the URL ' +
        'given by --database (DATABASE_URL)';
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr.trim()).toBe(`workos-inbox: ${line}`);
      if (command.includes('--json')) {
        expect(JSON.parse(result.stdout)).toEqual({
          error: { code: 'database_unreachable', message: line },
        });
      }
    },
  );
});
