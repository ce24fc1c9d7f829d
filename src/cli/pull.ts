import { defaults } from '../defaults.js';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import { LeaseLoop, LeaseLostError } from '../leases/lease-loop.js';
import { cursorNameFor } from '../pull/pull-options.js';
import { PullCursorRejectedError } from '../pull/pull-errors.js';
import { pullerLeaseName } from '../pull/pull-loop.js';
import { SinceFormatError, parseSince } from '../pull/parse-since.js';
import { Puller } from '../pull/puller.js';
import type { Store } from '../store/types.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJson } from './json-error.js';
import {
  keepAskedPause,
  refuseWhilePaused,
  stopOnSignals,
  takeLeaseOrRefuse,
} from './take-lease.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import {
  addWorkosApiFlags,
  cliWorkosApiClient,
  noteUnknownEventNames,
  parseEventNames,
  workosApiCliError,
} from './workos-api-flags.js';
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
    .option('--reset-cursor', 'forget the stored cursor and start again from --since');
  addJsonOption(command, 'print one JSON object, on a failure too (its "error": code, message)');
  addDatabaseFlags(command, { migrates: true });
  addWorkosApiFlags(command);
  // --json: a failure is one object on stdout too, `{ error }`, written by the bin (main.ts).
  command.action((flags: PullFlags) => pull(command, flags));
}

async function pull(command: Command, flags: PullFlags): Promise<void> {
  // Ctrl-C (or SIGTERM) ends the request to WorkOS and the wait before a retry at once.
  const stopping = new AbortController();
  const client = cliWorkosApiClient(flags, { signal: stopping.signal });
  const events = parseEventNames(flags.events);
  noteUnknownEventNames(events);
  // A pull of a few names moves a cursor of its own (see cursorNameFor).
  const cursorName = cursorNameFor(events);
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
      // The puller lease of `serve --pull` / `work --pull`: one process pulls at a time, since
      // each commits the shared cursor with its pages. Never started as a loop: this command
      // runs one catch-up itself and borrows the lease handling (take, keep, release, stop).
      const lease = new LeaseLoop({
        store,
        name: pullerLeaseName,
        owner: `cli-pull-${randomUUID()}`,
        leaseMs: defaults.leaseMs.value,
        intervalMs: defaults.pullIntervalMs.value,
        round: () => Promise.resolve(),
        onStop: () => stopping.abort(),
        label: 'puller',
        clock: systemClock,
      });
      // Stop after the page being stored and give the lease back; a second signal kills.
      const signals = stopOnSignals(lease);
      try {
        await takePullerLease(store, lease);
        if (signals.received) throw await stoppedError(store, cursorName, signals.received);
        // A pause WorkOS asked for, kept with the lease: not a request before it ends.
        await refuseWhilePaused(
          lease,
          'the Events API pull',
          'nothing was asked of WorkOS or pulled',
        );
        if (command.getOptionValueSource('since') === 'cli' && !flags.resetCursor) {
          // --since only places the first pull; a later one goes on from the cursor. Say so,
          // rather than let `pull --since 7d` after a first `pull` quietly find nothing older.
          const stored = await store.pullCursor(cursorName);
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
            { name: cursorName, after: null, rangeStart: since },
            new Date(),
          );
        }
        const started = performance.now();
        const puller = new Puller({ store, client, events, since });
        let result;
        try {
          // Renewed after each page and on a heartbeat, as the loop does: a long catch-up (or
          // a long Retry-After) keeps the lease.
          result = await lease.hold(() => puller.catchUp(() => lease.keep()));
        } catch (error) {
          if (signals.received) throw await stoppedError(store, cursorName, signals.received);
          if (error instanceof LeaseLostError) throw await leaseLostError(store, cursorName);
          await keepAskedPause(lease, error);
          throw asCliError(error);
        }
        const seconds = (performance.now() - started) / 1000;
        if (flags.json) {
          writeJson(command, { ...result, seconds: Number(seconds.toFixed(3)) });
          return;
        }
        process.stdout.write(
          `pulled ${result.pulled} event${result.pulled === 1 ? '' : 's'} (${result.inserted} new, ${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'}) in ${result.pages} page${result.pages === 1 ? '' : 's'}, ${seconds.toFixed(1)} s\n`,
        );
      } finally {
        signals.dispose();
        await lease.release();
      }
    },
    { migrate: true },
  );
}

/** Take the puller lease, or refuse to pull while another live process holds it. */
function takePullerLease(store: Store, lease: LeaseLoop): Promise<void> {
  return takeLeaseOrRefuse(
    store,
    lease,
    pullerLeaseName,
    (who) =>
      new CliError(
        `another process holds the Events API puller lease${who}, so nothing was pulled: a \`serve --pull\` or \`work --pull\` (which pulls on its own), or another \`pull\`. To pull here, or to \`--reset-cursor\`, first stop that process's pulling (restart it without --pull), or wait until the lease is free (a \`pull\` frees it when it ends; a dead holder's lease expires).`,
        exitCodes.conflict,
        'puller_lease_held',
      ),
  );
}

/** Where the cursor stands now, for the messages of a catch-up that ended early. */
async function cursorNow(store: Store, cursorName: string): Promise<string> {
  const cursor = await store.pullCursor(cursorName).catch(() => undefined);
  if (cursor?.after) return ` (after ${cursor.after})`;
  if (cursor?.rangeStart) return ` (from ${cursor.rangeStart})`;
  return '';
}

async function stoppedError(
  store: Store,
  cursorName: string,
  signal: NodeJS.Signals,
): Promise<CliError> {
  return new CliError(
    `pull stopped by ${signal} before it caught up: the pages stored so far stay, and the next \`pull\` goes on from the cursor${await cursorNow(store, cursorName)}.`,
    exitCodes.failed,
    'pull_stopped',
  );
}

async function leaseLostError(store: Store, cursorName: string): Promise<CliError> {
  return new CliError(
    `another process took the Events API puller lease during this pull (this one's ran out between two pages) and pulls on from the cursor${await cursorNow(store, cursorName)}; the pages stored so far stay.`,
    exitCodes.conflict,
    'puller_lease_lost',
  );
}

function asCliError(error: unknown): unknown {
  if (error instanceof PullCursorRejectedError) {
    return new CliError(error.message, exitCodes.failed, error.code);
  }
  return workosApiCliError(error) ?? error;
}
