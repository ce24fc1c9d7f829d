import type { Command } from 'commander';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { cliDatabase, withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { redactDatabase } from '../store/redact-database.js';

/** `migrate`: apply pending migrations (or `--check` without changing anything). */
export function registerMigrate(program: Command): void {
  const command = program
    .command('migrate')
    .description('apply pending database migrations (serve also does it at start)')
    .option('--check', 'only check: exit 3 when migrations are missing or unknown');
  addDatabaseFlags(command);
  command.action(async (flags: DatabaseFlags & { check?: boolean }) => {
    const shown = redactDatabase(cliDatabase(flags));
    if (flags.check) {
      await withCliStore(flags, async () => {
        process.stdout.write(`schema of ${shown} is up to date\n`);
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
