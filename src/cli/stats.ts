import type { Command } from 'commander';
import { eventStatuses } from '../store/types.js';
import { addDatabaseFlags } from './database-flags.js';
import { addJsonOption, writeJson } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { formatTable } from './table.js';

/** `stats`: counts by status, the oldest due event's age, dead count. */
export function registerStats(program: Command): void {
  const command = program
    .command('stats')
    .description('counts by status, age of the oldest due event, dead count');
  addJsonOption(command, 'print one JSON object, on a failure {"error": {code, message}}');
  addDatabaseFlags(command);
  command.action(async (flags: DatabaseFlags & { json?: boolean }) => {
    await withCliStore(flags, async (store) => {
      const stats = await store.stats(new Date());
      const total = eventStatuses.reduce((sum, s) => sum + stats.byStatus[s], 0);
      if (flags.json) {
        writeJson(command, { ...stats, total, dead: stats.byStatus.dead });
        return;
      }
      const rows = eventStatuses.map((s) => [s, String(stats.byStatus[s])]);
      rows.push(['total', String(total)]);
      const age =
        stats.oldestPendingAgeMs === null ? 'none due' : formatAge(stats.oldestPendingAgeMs);
      process.stdout.write(
        `${formatTable(['STATUS', 'EVENTS'], rows)}\n\noldest due event: ${age}\ndead: ${stats.byStatus.dead}${stats.byStatus.dead > 0 ? ' (workos-inbox events list --status dead; events redrive)' : ''}\n`,
      );
    });
  });
}

function formatAge(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
