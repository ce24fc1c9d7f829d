import type { Command } from 'commander';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { cliDatabase, cliSchema, withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { redactDatabase } from '../store/redact-database.js';

/** `migrate`: apply pending migrations (or `--check` without changing anything). */
export function registerMigrate(program: Command): void {
  const command = program
    .command('migrate')
    .description('apply pending database migrations (serve also does it at start)')
    .option('--check', 'only check: exit 3 when migrations are missing or unknown');
  addDatabaseFlags(command, { migrates: true });
  command.action(async (flags: DatabaseFlags & { check?: boolean }) => {
    const { isPostgresUrl } = await import('../store/open-store.js');
    const database = cliDatabase(flags);
    const url = redactDatabase(database);
    // With --schema (WORKOS_INBOX_SCHEMA) say which inbox of the database: the URL alone named
    // every one of them alike. Worded as the "holds no workos-inbox tables" error names it.
    const schema = cliSchema(flags, url, isPostgresUrl(database));
    const shown = schema === undefined ? url : `schema "${schema}" of ${url}`;
    if (flags.check) {
      await withCliStore(flags, async () => {
        process.stdout.write(`${schema === undefined ? 'schema of ' : ''}${shown} is up to date\n`);
      });
      return;
    }
    await withCliStore(
      flags,
      async (store, applied) => {
        const status = await store.checkSchema();
        if (!status.ok) {
          throw new CliError(status.problems.join('\n'), exitCodes.database, 'schema_mismatch');
        }
        process.stdout.write(
          applied.length === 0
            ? `${shown}: schema up to date, nothing to apply\n`
            : `migrated ${shown}: applied ${applied.length} migration${applied.length === 1 ? '' : 's'}, schema up to date\n${applied.map((m) => `  ${m}\n`).join('')}`,
        );
      },
      { migrate: true },
    );
  });
}
