import type { TestProject } from 'vitest/node';
import { postgresEnvName, startRunPostgres } from './helpers/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL this run uses (see test/helpers/postgres-server.ts). */
    postgresAdminUrl: string;
  }
}

/**
 * Finds the run's PostgreSQL (configured, local, or an embedded one started here) and hands its
 * URL to every test file; fails fast with a clear message when a configured one does not answer.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let postgres;
  try {
    postgres = await startRunPostgres();
  } catch (error) {
    throw new Error(
      `The tests need PostgreSQL (${postgresEnvName}=${process.env[postgresEnvName] ?? '<unset>'}): ${String(error)}`,
    );
  }
  if (postgres.source !== 'local') {
    console.log(`PostgreSQL ${postgres.version} (${postgres.source}) at ${postgres.url}`);
  }
  project.provide('postgresAdminUrl', postgres.url);
  return () => postgres.stop();
}
