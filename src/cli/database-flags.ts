import type { Command } from 'commander';

/** `--database` and `--data-dir`, with the same defaults as `serve`. */
export function addDatabaseFlags(command: Command): Command {
  return command
    .option(
      '--database <url-or-path>',
      'a postgres:// URL or a SQLite file path (env: DATABASE_URL; default: .workos-inbox/inbox.db)',
    )
    .option(
      '--data-dir <path>',
      'data folder of the default SQLite file (env: WORKOS_INBOX_DATA_DIR; default: .workos-inbox)',
    );
}
