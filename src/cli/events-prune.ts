import type { Command } from 'commander';
import { parseDurationMs } from '../server/parse-duration.js';
import { pruneDefaults } from '../store/prune-events.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJson } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';

interface PruneFlags extends DatabaseFlags {
  olderThan: string;
  includeDead?: boolean;
  batchSize: string;
  budgetMs: string;
  json?: boolean;
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new CliError(
      `${flag} must be a whole number from ${min} to ${max}, got "${value}"`,
      exitCodes.usage,
    );
  }
  return n;
}

/** `events prune --older-than 30d`: retention by hand (what `serve --retention` does on a timer). */
export function registerEventsPrune(events: Command): void {
  const command = events
    .command('prune')
    .description(
      'delete the payload and attempts of done events received longer ago; ids, names and times stay, so redeliveries remain duplicates',
    )
    .requiredOption('--older-than <duration>', 'received longer ago than this: 30d, 12h, 90m')
    .option('--include-dead', 'prune dead events too (they are kept by default)')
    .option('--batch-size <n>', 'events per statement', String(pruneDefaults.batchSize))
    .option(
      '--budget-ms <ms>',
      'start no further statement in a transaction after this long (the SQLite write lock is held that long at most, then appends go first)',
      String(pruneDefaults.budgetMs),
    );
  addJsonOption(
    command,
    'print {"pruned": n, "transactions": n, "vacuumedPages": n}, on a failure {"error": {code, message}}',
  );
  addDatabaseFlags(command);
  command.action(async (flags: PruneFlags) => {
    const olderThanMs = parseDurationMs(flags.olderThan);
    if (olderThanMs === undefined) {
      throw new CliError(
        `--older-than must be a duration such as 30d, 12h or 90m, got "${flags.olderThan}"`,
        exitCodes.usage,
      );
    }
    const batchSize = wholeNumber(flags.batchSize, '--batch-size', 1, 10_000);
    const budgetMs = wholeNumber(flags.budgetMs, '--budget-ms', 0, 60_000);
    await withCliStore(flags, async (store) => {
      const now = new Date();
      const result = await store.prune({
        receivedBefore: new Date(now.getTime() - olderThanMs),
        now,
        includeDead: flags.includeDead === true,
        batchSize,
        budgetMs,
      });
      if (flags.json) {
        writeJson(command, result);
        return;
      }
      process.stdout.write(
        `pruned ${result.pruned} event${result.pruned === 1 ? '' : 's'} in ${result.transactions} transaction${result.transactions === 1 ? '' : 's'}${result.vacuumedPages > 0 ? `; ${result.vacuumedPages} pages returned to the file system` : ''}\n`,
      );
    });
  });
}
