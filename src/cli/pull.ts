import { defaults } from '../defaults.js';
import type { Command } from 'commander';
import { defaultCursorName } from '../pull/pull-options.js';
import { PullCursorRejectedError } from '../pull/pull-errors.js';
import { SinceFormatError, parseSince } from '../pull/parse-since.js';
import { Puller } from '../pull/puller.js';
import { WorkosApiAuthError, WorkosApiError } from '../workos-api/workos-api-errors.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { addWorkosApiFlags, cliWorkosApiClient, parseEventNames } from './workos-api-flags.js';
import type { WorkosApiFlags } from './workos-api-flags.js';

interface PullFlags extends DatabaseFlags, WorkosApiFlags {
  since?: string;
  events?: string;
  resetCursor?: boolean;
  json?: boolean;
}

/** `pull`: catch up from WorkOS's Events API into the inbox, then exit. */
export function registerPull(program: Command): void {
  const command = program
    .command('pull')
    .description("catch up from WorkOS's Events API: append the events webhooks missed, then exit")
    .option(
      '--since <when>',
      'first pull only (no cursor yet): now, 30m, 12h, 7d or an ISO date',
      defaults.pullSince.value,
    )
    .option(
      '--events <names>',
      'comma-separated event names (default: every name this version knows)',
    )
    .option('--reset-cursor', 'forget the stored cursor and start again from --since')
    .option('--json', 'print one JSON object');
  addDatabaseFlags(command);
  addWorkosApiFlags(command);
  command.action(async (flags: PullFlags) => {
    const client = cliWorkosApiClient(flags);
    const events = parseEventNames(flags.events);
    let since: string;
    try {
      since = parseSince(flags.since ?? defaults.pullSince.value, Date.now());
    } catch (error) {
      if (error instanceof SinceFormatError)
        throw new CliError(error.message, exitCodes.usage, error.code);
      throw error;
    }
    await withCliStore(
      flags,
      async (store) => {
        if (command.getOptionValueSource('since') === 'cli' && !flags.resetCursor) {
          // --since only places the first pull; a later one goes on from the cursor. Say so,
          // rather than let `pull --since 7d` after a first `pull` quietly find nothing older.
          const stored = await store.pullCursor(defaultCursorName);
          if (stored?.after || stored?.rangeStart) {
            const from = stored.after ? `after ${stored.after}` : `from ${stored.rangeStart}`;
            process.stderr.write(
              `workos-inbox: --since ${flags.since} is not used: this database already pulls on from its cursor (${from}). To start over from --since, add --reset-cursor.\n`,
            );
          }
        }
        if (flags.resetCursor) {
          await store.appendPage(
            [],
            { name: defaultCursorName, after: null, rangeStart: since },
            new Date(),
          );
        }
        const started = performance.now();
        const puller = new Puller({ store, client, events, since });
        let result;
        try {
          result = await puller.catchUp();
        } catch (error) {
          throw asCliError(error);
        }
        const seconds = (performance.now() - started) / 1000;
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ ...result, seconds: Number(seconds.toFixed(3)) })}\n`,
          );
          return;
        }
        process.stdout.write(
          `pulled ${result.pulled} events (${result.inserted} new, ${result.duplicates} duplicates) in ${result.pages} pages, ${seconds.toFixed(1)} s\n`,
        );
      },
      { migrate: true },
    );
  });
}

function asCliError(error: unknown): unknown {
  if (error instanceof WorkosApiAuthError)
    return new CliError(error.message, exitCodes.usage, error.code);
  if (error instanceof PullCursorRejectedError || error instanceof WorkosApiError) {
    return new CliError(error.message, exitCodes.failed, error.code);
  }
  return error;
}
