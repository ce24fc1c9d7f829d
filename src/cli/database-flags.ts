import type { Command } from 'commander';
import { defaults } from '../defaults.js';

/**
 * `--database`, `--data-dir` and `--schema`, with the same defaults as `serve`. `migrates`: the
 * command creates a missing schema (`migrate`, `pull`, `reconcile`); the others read or change an
 * inbox that exists, and refuse a schema that does not (exit 3).
 */
export function addDatabaseFlags(command: Command, options: { migrates?: boolean } = {}): Command {
  const schemaHelp = options.migrates
    ? defaults.schema.description
    : 'PostgreSQL schema of the inbox tables (several inboxes in one database; `migrate` or `serve` creates it)';
  return command
    .option(
      '--database <url-or-path>',
      'a postgres:// URL or a SQLite file path (env: DATABASE_URL; default: .workos-inbox/inbox.db)',
    )
    .option(
      '--data-dir <path>',
      'data folder of the default SQLite file (env: WORKOS_INBOX_DATA_DIR; default: .workos-inbox)',
    )
    .option(
      defaults.schema.flag,
      `${schemaHelp} (env: ${defaults.schema.env}; default: the search_path)`,
    );
}
