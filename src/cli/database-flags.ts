import type { Command } from 'commander';
import { defaults } from '../defaults.js';

/** `--database`, `--data-dir` and `--schema`, with the same defaults as `serve`. */
export function addDatabaseFlags(command: Command): Command {
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
      `${defaults.schema.description} (env: ${defaults.schema.env}; default: the search_path)`,
    );
}
