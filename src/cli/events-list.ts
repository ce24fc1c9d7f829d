import type { Command } from 'commander';
import { toEventSummaryJson } from '../server/event-json.js';
import { FilterError, filterFlagMessage, parseEventFilter } from '../server/event-filter.js';
import { unknownEventNameNote } from './event-name-note.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJsonLine } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { formatTable } from './table.js';
import { limits } from '../limits.js';

interface ListFlags extends DatabaseFlags {
  status?: string;
  event?: string;
  since?: string;
  limit?: string;
  order: string;
  json?: boolean;
}

/** `events list`: every matching event (or `--limit` of them), as a table or JSON lines. */
export function registerEventsList(events: Command): void {
  const command = events
    .command('list')
    .description('list inbox events, newest first')
    .option('--status <statuses>', 'pending, processing, done, retrying or dead (comma-separated)')
    .option('--event <name>', 'only this event name, e.g. dsync.user.created')
    .option(
      '--since <when>',
      'received at or after: an ISO date or a duration back from now (30m, 2h, 7d)',
    )
    .option('--limit <n>', 'at most this many (default: all matching)')
    .option('--order <order>', 'desc (newest first) or asc', 'desc');
  addJsonOption(
    command,
    'one JSON object per line: id, event, status, attempts, receivedAt, …; a failure ends with {"error": {code, message}}',
  );
  addDatabaseFlags(command);
  command.action(async (flags: ListFlags) => {
    let filter;
    try {
      filter = parseEventFilter(flags);
    } catch (error) {
      if (error instanceof FilterError) {
        throw new CliError(filterFlagMessage(error), exitCodes.usage);
      }
      throw error;
    }
    let limit = Number.POSITIVE_INFINITY;
    if (flags.limit !== undefined) {
      if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1) {
        throw new CliError('--limit must be a whole number ≥ 1', exitCodes.usage);
      }
      limit = Number(flags.limit);
    }
    if (flags.order !== 'asc' && flags.order !== 'desc') {
      throw new CliError('--order must be asc or desc', exitCodes.usage);
    }
    const order = flags.order;
    await withCliStore(flags, async (store) => {
      const rows: string[][] = [];
      let after: string | undefined;
      let shown = 0;
      // Page through with the store's cursor: memory stays flat however many events match.
      while (shown < limit) {
        const page = await store.list({
          ...filter,
          order,
          limit: Math.min(limits.listPage, limit - shown),
          ...(after ? { after } : {}),
        });
        for (const event of page.events) {
          const json = toEventSummaryJson(event);
          if (flags.json) {
            writeJsonLine(json);
          } else {
            rows.push([
              json.id,
              json.event,
              json.status,
              String(json.attempts),
              json.receivedAt,
              json.lastError ?? '',
            ]);
          }
        }
        shown += page.events.length;
        if (!page.nextCursor || page.events.length === 0) break;
        after = page.nextCursor;
      }
      // Any event name can be stored (WorkOS adds events), so an unknown one is not an error; but
      // when it matches nothing, a typo is the likely reason: say so on stderr.
      const note = flags.event !== undefined ? unknownEventNameNote(flags.event) : undefined;
      if (shown === 0 && note) process.stderr.write(note);
      if (!flags.json) {
        if (rows.length === 0) process.stdout.write('no events match\n');
        else {
          process.stdout.write(
            `${formatTable(['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'RECEIVED', 'LAST ERROR'], rows)}\n`,
          );
        }
      }
    });
  });
}
