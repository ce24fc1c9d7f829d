import type { Command } from 'commander';
import { toDeliveryJson } from '../forward/delivery-json.js';
import {
  checkKnownDestination,
  DeliveryEventPrunedError,
  DeliveryNotFoundError,
  eventDeliveryStatuses,
  listDeliveries,
  readDestinations,
  UnknownDestinationError,
} from '../forward/delivery-queries.js';
import { deliveryStatuses, redrivableStatusesText } from '../forward/delivery-types.js';
import type { DeliveryStatus } from '../forward/delivery-types.js';
import {
  destinationsReport,
  notResumableMessage,
  redriveAndWake,
  redriveFilter,
  removeDestinationAndCount,
  resumeAndWake,
} from '../forward/forward-admin-api.js';
import type { RemovedDestination } from '../forward/forward-admin-api.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJson, writeJsonLine } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { formatTable } from './table.js';
import { defaults } from '../defaults.js';
import { limits } from '../limits.js';

function statusFlag(value: string | undefined): DeliveryStatus | undefined {
  if (value === undefined) return undefined;
  if (!(deliveryStatuses as readonly string[]).includes(value)) {
    throw new CliError(`--status must be one of ${deliveryStatuses.join(', ')}`, exitCodes.usage);
  }
  return value as DeliveryStatus;
}

/**
 * A destination no configuration and no delivery knows (UnknownDestinationError), or a redrive's
 * event id with no delivery (DeliveryNotFoundError): a typo would otherwise list or redrive
 * nothing, silently. Exit 4, with what there is.
 */
async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof UnknownDestinationError || error instanceof DeliveryNotFoundError) {
      throw new CliError(error.message, exitCodes.notFound, 'not_found', { cause: error });
    }
    throw error;
  }
}

interface RedriveFlags extends DatabaseFlags {
  destination?: string;
  eventId?: string;
  status: string;
  json?: boolean;
}

/** What `deliveries remove` prints: what it did, what is left, and what may be done with it. */
function removedText({ name, removed, unfinished }: RemovedDestination): string {
  const lines = [
    removed
      ? `removed ${name}: new events queue no delivery for it.`
      : `${name} is not configured (removed already): new events queue no delivery for it.`,
  ];
  const count = unfinished.pending + unfinished.retrying + unfinished.delivering + unfinished.dead;
  if (count === 0) {
    lines.push('None of its deliveries is unfinished.');
  } else {
    lines.push(
      `${count} of its deliveries ${count === 1 ? 'is' : 'are'} unfinished (pending ` +
        `${unfinished.pending}, retrying ${unfinished.retrying}, delivering ` +
        `${unfinished.delivering}, dead ${unfinished.dead}); they stay listed ` +
        `(\`deliveries list --destination ${name}\`). Name it in --forward-to again to send ` +
        `them (\`deliveries redrive --destination ${name}\` for the dead ones), or leave them to ` +
        "retention: they no longer keep their events' payloads, and are pruned with them.",
    );
  }
  lines.push(
    `A serve or work process with ${name} in its --forward-to still sends what is queued, and ` +
      'writes it back when it starts: take it out of every --forward-to too.',
  );
  return `${lines.join('\n')}\n`;
}

/** `deliveries list|redrive|resume|remove|destinations`: operate forwarding (docs/forward.md). */
export function registerDeliveries(program: Command): void {
  const deliveries = program
    .command('deliveries')
    .description('list, redrive and resume deliveries to --forward-to destinations, or remove one');

  const list = deliveries
    .command('list')
    .description('deliveries, newest first')
    .option('--destination <name>', 'only this destination')
    .option('--status <status>', deliveryStatuses.join(', '))
    .option('--event-id <id>', "only this event's deliveries")
    .option('--limit <n>', 'at most this many', String(defaults.adminListLimit.value));
  addJsonOption(list, 'one JSON object per line; a failure ends with {"error": {code, message}}');
  addDatabaseFlags(list);
  list.action(
    async (
      flags: DatabaseFlags & {
        destination?: string;
        status?: string;
        eventId?: string;
        limit: string;
        json?: boolean;
      },
    ) => {
      if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1) {
        throw new CliError('--limit must be a whole number ≥ 1', exitCodes.usage);
      }
      const status = statusFlag(flags.status);
      await withCliStore(flags, async (store) => {
        const { destination } = flags;
        if (destination !== undefined) {
          await orNotFound(store.read((db) => checkKnownDestination(db, destination)));
        }
        const rows: ReturnType<typeof toDeliveryJson>[] = [];
        let after: string | undefined;
        let more = false;
        while (rows.length < Number(flags.limit)) {
          const page = await store.read((db) =>
            listDeliveries(db, {
              limit: Math.min(limits.listPage, Number(flags.limit) - rows.length),
              ...(flags.destination ? { destination: flags.destination } : {}),
              ...(flags.eventId ? { eventId: flags.eventId } : {}),
              ...(status ? { status } : {}),
              ...(after ? { after } : {}),
            }),
          );
          rows.push(...page.deliveries.map(toDeliveryJson));
          more = Boolean(page.nextCursor);
          if (!page.nextCursor) break;
          after = page.nextCursor;
        }
        // The default stops at 50 rows: say so, or a list of thousands reads as 50.
        if (more) {
          process.stderr.write(
            `${rows.length} shown, newest first; more match: pass --limit N to see more\n`,
          );
        }
        if (flags.json) {
          for (const row of rows) writeJsonLine(row);
          return;
        }
        process.stdout.write(
          `${formatTable(
            ['EVENT', 'DESTINATION', 'STATUS', 'ATTEMPTS', 'QUEUED', 'NEXT ATTEMPT', 'LAST ERROR'],
            rows.map((r) => [
              r.eventId,
              r.destination,
              r.status,
              String(r.attempts),
              r.queuedAt,
              r.nextAttemptAt ?? '',
              r.lastError ?? '',
            ]),
          )}\n`,
        );
      });
    },
  );

  const redrive = deliveries
    .command('redrive')
    .description('queue deliveries again, due now, attempts reset (default: the dead ones)')
    .option('--destination <name>', 'only this destination')
    .option('--event-id <id>', "only this event's deliveries")
    .option(
      '--status <status>',
      `${redrivableStatusesText}; or delivered, with --event-id and --destination, to send one delivery again`,
      'dead',
    );
  addJsonOption(redrive, 'print {"redriven": n}, on a failure {"error": {code, message}}');
  addDatabaseFlags(redrive);
  // --json: one object on stdout whatever happens, `{ error }` written by the bin (main.ts) as for
  // every --json, so a script tells "no such event" (exit 4) from "nothing was dead" ({"redriven": 0}).
  redrive.action((flags: RedriveFlags) => redriveCommand(flags));
  const redriveCommand = async (flags: RedriveFlags) => {
    const filter = redriveFilter(
      flags.status,
      flags.destination,
      flags.eventId,
      (message, field) => {
        throw new CliError(`--${field}: ${message}`, exitCodes.usage);
      },
    );
    await withCliStore(flags, async (store) => {
      // On PostgreSQL the redrive wakes every process's forwarder; on SQLite one in another
      // process (`serve`) finds them at its idle poll.
      let count: number;
      try {
        count = await orNotFound(redriveAndWake(store, filter, new Date()));
      } catch (error) {
        if (error instanceof DeliveryEventPrunedError) {
          throw new CliError(error.message, exitCodes.conflict, 'event_pruned', { cause: error });
        }
        throw error;
      }
      // As `events redrive --json`: one JSON object on stdout, notes on stderr.
      if (flags.json) writeJson(redrive, { redriven: count });
      else process.stdout.write(`redriven ${count} ${count === 1 ? 'delivery' : 'deliveries'}\n`);
      const { destination, eventId } = flags;
      if (eventId !== undefined && count === 0) {
        // Its deliveries exist (else exit 4 above), none of them in --status: say which they
        // are, or "redriven 0" reads as a wrong id.
        const statuses = (await store.read((db) => eventDeliveryStatuses(db, eventId))).filter(
          (d) => destination === undefined || d.destination === destination,
        );
        process.stderr.write(
          `note: no delivery of event ${eventId} is ${flags.status} (${statuses
            .map((d) => `${d.destination}: ${d.status}`)
            .join(', ')}); --status chooses which to redrive\n`,
        );
      }
      if (destination !== undefined && count > 0) {
        const configured = (await store.read(readDestinations)).some((d) => d.name === destination);
        // Known only by its deliveries (removed, or dropped from --forward-to): queued for nobody.
        if (!configured) {
          process.stderr.write(
            `note: ${destination} is not configured: no process forwards to it, so these wait until one runs with it in --forward-to\n`,
          );
        }
      }
    });
  };

  const resume = deliveries
    .command('resume')
    .description('lift the pause of a destination that answered 410 Gone')
    .argument('<destination>', 'the destination name (see `deliveries destinations`)');
  addDatabaseFlags(resume);
  resume.action(async (name: string, flags: DatabaseFlags) => {
    await withCliStore(flags, async (store) => {
      const outcome = await orNotFound(resumeAndWake(store, name, new Date()));
      if (outcome === 'not_configured') {
        // Known only by its deliveries: dropped from the configuration, so never paused now.
        throw new CliError(notResumableMessage(name), exitCodes.notFound, 'not_found');
      }
      process.stdout.write(
        outcome === 'resumed'
          ? `resumed ${name}\n`
          : `${name} was not paused; its waiting deliveries are due now\n`,
      );
    });
  });

  const remove = deliveries
    .command('remove')
    .description(
      'stop forwarding to a destination: new events queue no delivery for it (its deliveries stay)',
    )
    .argument('<destination>', 'the destination name (see `deliveries destinations`)');
  addDatabaseFlags(remove);
  remove.action(async (name: string, flags: DatabaseFlags) => {
    await withCliStore(flags, async (store) => {
      process.stdout.write(
        removedText(await orNotFound(removeDestinationAndCount(store, name, new Date()))),
      );
    });
  });

  const destinations = deliveries
    .command('destinations')
    .description('each destination: filters, pause, unfinished deliveries, oldest pending age');
  addJsonOption(
    destinations,
    'one JSON object per line; a failure ends with {"error": {code, message}}',
  );
  addDatabaseFlags(destinations);
  destinations.action(async (flags: DatabaseFlags & { json?: boolean }) => {
    await withCliStore(flags, async (store) => {
      const report = await destinationsReport(store, new Date());
      if (flags.json) {
        for (const row of report) writeJsonLine(row);
        return;
      }
      process.stdout.write(
        `${formatTable(
          [
            'DESTINATION',
            'EVENTS',
            'PAUSED',
            'PENDING',
            'RETRYING',
            'DELIVERING',
            'DEAD',
            'OLDEST',
          ],
          report.map((r) => [
            r.name,
            r.configured ? r.events.join(',') : '(not configured)',
            r.pausedAt ? `since ${r.pausedAt}` : '',
            String(r.unfinished.pending),
            String(r.unfinished.retrying),
            String(r.unfinished.delivering),
            String(r.unfinished.dead),
            r.oldestPendingAgeMs === null ? '' : `${Math.round(r.oldestPendingAgeMs / 1000)} s`,
          ]),
        )}\n`,
      );
    });
  });
}
