import type { Command } from 'commander';
import {
  FilterError,
  checkRedriveFilter,
  filterFlagMessage,
  parseEventFilter,
} from '../server/event-filter.js';
import { eventStatuses } from '../store/types.js';
import { addDatabaseFlags } from './database-flags.js';
import { unknownEventNameNote } from './event-name-note.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJson } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { redriveWithProgress } from './redrive-with-progress.js';

/** What `events redrive --status` takes: every status but `processing` (a worker holds those). */
const redrivableStatuses = eventStatuses.filter((status) => status !== 'processing');

interface RedriveFlags extends DatabaseFlags {
  event?: string;
  status: string;
  since?: string;
  json?: boolean;
}

/** `events redrive`: queue dead events again (optionally only one event name). */
export function registerEventsRedrive(events: Command): void {
  const command = events
    .command('redrive')
    .description(
      'queue dead events again, optionally only one event name (a progress bar above 1000)',
    )
    .option('--event <name>', 'only this event name')
    .option(
      '--status <statuses>',
      `which statuses to queue again, comma-separated: ${redrivableStatuses.join(', ')}`,
      'dead',
    )
    .option('--since <when>', 'received at or after: an ISO date or a duration (30m, 2h, 7d)');
  addJsonOption(
    command,
    'print {"redriven": n, "skippedPruned": m}, on a failure {"error": {code, message}}',
  );
  addDatabaseFlags(command);
  command.action(async (flags: RedriveFlags) => {
    let filter;
    try {
      // `processing` is refused with why (the admin API's one check); any other unknown status is
      // offered the statuses redrive takes, one list for both.
      filter = flags.status.split(',').some((s) => s.trim() === 'processing')
        ? checkRedriveFilter(parseEventFilter(flags))
        : parseEventFilter(flags, new Date(), redrivableStatuses);
    } catch (error) {
      if (error instanceof FilterError) {
        throw new CliError(filterFlagMessage(error), exitCodes.usage);
      }
      throw error;
    }
    await withCliStore(flags, async (store) => {
      const { redriven: count, skippedPruned } = await redriveWithProgress(store, filter);
      const plural = (n: number) => `${n} event${n === 1 ? '' : 's'}`;
      if (flags.json) writeJson(command, { redriven: count, skippedPruned });
      else {
        process.stdout.write(
          `queued ${plural(count)} again\n` +
            // Matched but pruned (`--status done` after retention): said, or "queued 250" reads
            // as all of the 785 that `events list` shows.
            (skippedPruned > 0
              ? `skipped ${plural(skippedPruned)} pruned by retention: their payload is no longer kept, so they cannot run again\n`
              : ''),
        );
      }
      // As `events list`: a typo must not read as "nothing is dead" (the name is still matched
      // as given: WorkOS adds events this version may not know).
      const note = flags.event !== undefined ? unknownEventNameNote(flags.event) : undefined;
      if (count === 0 && note) process.stderr.write(note);
    });
  });
}
