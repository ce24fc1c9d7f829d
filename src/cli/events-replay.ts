import type { Command } from 'commander';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';

/** `events replay <id>`: queue one event again (any status but processing). */
export function registerEventsReplay(events: Command): void {
  const command = events
    .command('replay')
    .description('queue one event again, due now, attempts reset (a running worker picks it up)')
    .argument('<id>', 'event id');
  addDatabaseFlags(command);
  command.action(async (id: string, flags: DatabaseFlags) => {
    await withCliStore(flags, async (store) => {
      if (await store.replay(id, new Date())) {
        process.stdout.write(`queued ${id} again\n`);
        return;
      }
      const event = await store.get(id);
      if (!event) {
        throw new CliError(`no event with id ${id}`, exitCodes.notFound, 'not_found');
      }
      if (event.prunedAt) {
        throw new CliError(
          `event ${id} was pruned on ${event.prunedAt.toISOString()}: its payload is gone, so it cannot be replayed`,
          exitCodes.conflict,
          'event_pruned',
        );
      }
      throw new CliError(
        `event ${id} is being processed right now; replay it once the attempt ends`,
        exitCodes.conflict,
        'event_processing',
      );
    });
  });
}
