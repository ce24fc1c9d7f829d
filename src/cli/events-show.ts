import type { Command } from 'commander';
import { toEventDeliveryJson } from '../forward/delivery-json.js';
import { eventDeliveries } from '../forward/delivery-queries.js';
import { toEventDetailJson } from '../server/event-json.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJson } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { formatTable } from './table.js';

/** `events show <id>`: one event with its payload, attempts and errors. */
export function registerEventsShow(events: Command): void {
  const command = events
    .command('show')
    .description('show one event: status, payload as received, every attempt and its error')
    .argument('<id>', 'event id, e.g. event_01H…');
  addJsonOption(command, 'print it as one JSON object, on a failure {"error": {code, message}}');
  addDatabaseFlags(command);
  command.action(async (id: string, flags: DatabaseFlags & { json?: boolean }) => {
    await withCliStore(flags, async (store) => {
      const event = await store.get(id);
      if (!event) throw new CliError(`no event with id ${id}`, exitCodes.notFound, 'not_found');
      const deliveries = (await store.read((db) => eventDeliveries(db, id))).map(
        toEventDeliveryJson,
      );
      const detail = { ...toEventDetailJson(event, await store.attempts(id)), deliveries };
      if (flags.json) {
        writeJson(command, detail);
        return;
      }
      const lines = [
        `id           ${detail.id}`,
        `event        ${detail.event}`,
        `status       ${detail.status}`,
        `attempts     ${detail.attempts}`,
        `source       ${detail.source}`,
        `created at   ${detail.createdAt}`,
        `received at  ${detail.receivedAt}`,
      ];
      if (detail.nextAttemptAt) lines.push(`next attempt ${detail.nextAttemptAt}`);
      if (detail.processedAt) lines.push(`processed at ${detail.processedAt}`);
      if (detail.lastError) lines.push(`last error   ${detail.lastError}`);
      if (detail.prunedAt) {
        lines.push(`pruned at    ${detail.prunedAt}`);
        lines.push('', 'payload:', '(pruned by retention: the payload and attempts were deleted)');
      } else {
        lines.push('', 'payload:', JSON.stringify(detail.payload, null, 2));
      }
      if (detail.attemptLog.length > 0) {
        lines.push(
          '',
          'attempts:',
          formatTable(
            ['#', 'WORKER', 'STARTED', 'FINISHED', 'OUTCOME', 'ERROR'],
            detail.attemptLog.map((a) => [
              String(a.attempt),
              a.worker,
              a.startedAt,
              a.finishedAt ?? '',
              a.outcome ?? '',
              a.error ?? '',
            ]),
            80,
          ),
        );
      }
      for (const d of deliveries) {
        lines.push(
          '',
          `delivery to ${d.destination}: ${d.status}, ${d.attempts} attempt(s)${d.lastError ? `, last error ${d.lastError}` : ''}`,
        );
        if (d.attemptLog.length > 0) {
          lines.push(
            formatTable(
              ['#', 'WORKER', 'STARTED', 'FINISHED', 'STATUS', 'OUTCOME', 'ERROR'],
              d.attemptLog.map((a) => [
                String(a.attempt),
                a.worker,
                a.startedAt,
                a.finishedAt ?? '',
                a.statusCode === null ? '' : String(a.statusCode),
                a.outcome ?? '',
                a.error ?? '',
              ]),
              80,
            ),
          );
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  });
}
