import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import { defaults } from '../defaults.js';
import { LeaseLostError } from '../leases/lease-loop.js';
import type { LeaseLoop } from '../leases/lease-loop.js';
import { reconcileRunLease, reconcileRunLeaseName } from '../reconcile/reconcile-loop.js';
import type { Store } from '../store/types.js';
import { ReconcileScopeError, ReconcileStoppedError } from '../reconcile/reconcile-errors.js';
import { checkScope, parseFamilies } from '../reconcile/reconcile-scope.js';
import type { ReconcileScope } from '../reconcile/reconcile-scope.js';
import { rateLimited } from '../reconcile/rate-limit.js';
import { scopeTables } from '../reconcile/reconcile-tables.js';
import { repairedRows } from '../reconcile/table-counts.js';
import type { ReconcileCounts } from '../reconcile/table-counts.js';
import { WorkosApiAuthError } from '../workos-api/workos-api-errors.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, jsonError, retryAfterOf, writeJson } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { createProgressLine } from './progress-bar.js';
import { formatTable } from './table.js';
import {
  keepAskedPause,
  refuseWhilePaused,
  stopOnSignals,
  takeLeaseOrRefuse,
} from './take-lease.js';
import { addWorkosApiFlags, cliWorkosApiClient } from './workos-api-flags.js';
import type { WorkosApiFlags } from './workos-api-flags.js';

interface ReconcileFlags extends DatabaseFlags, WorkosApiFlags {
  organization?: string;
  directory?: string;
  only?: string;
  dryRun?: boolean;
  json?: boolean;
  maxRps?: string;
}

function usage(error: unknown): never {
  if (error instanceof ReconcileScopeError) {
    throw new CliError(error.message, exitCodes.usage, 'invalid_reconcile_scope');
  }
  throw error;
}

function scopeOf(flags: ReconcileFlags): ReconcileScope {
  try {
    const scope: ReconcileScope = {
      organization: flags.organization,
      directory: flags.directory,
      only: flags.only === undefined ? undefined : parseFamilies(flags.only),
    };
    checkScope(scope);
    return scope;
  } catch (error) {
    usage(error);
  }
}

function maxRpsOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // Decimal only: Number() would also read `0x10` as 16 and `1e3` as 1000.
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new CliError(
      `--max-rps "${text}": expected a positive number of requests per second`,
      exitCodes.usage,
      'invalid_max_rps',
    );
  }
  return value;
}

/** Take the reconcile run lease, or refuse to run while another live reconcile holds it. */
function takeRunLease(store: Store, lease: LeaseLoop): Promise<void> {
  return takeLeaseOrRefuse(
    store,
    lease,
    reconcileRunLeaseName,
    (who) =>
      new CliError(
        `another reconcile is running on this database${who}, so nothing was read or written. It is a \`serve\` or \`work\` with --reconcile-every, or another \`reconcile\`: wait for it to end (its lease is given back then; a dead holder's expires), or run with --dry-run, which writes nothing and needs no lease.`,
        exitCodes.conflict,
        'reconcile_running',
      ),
  );
}

function stoppedBeforeStart(signal: NodeJS.Signals): CliError {
  return new CliError(
    `reconcile stopped by ${signal} before it started: nothing was read or written.`,
    exitCodes.failed,
    'reconcile_stopped',
  );
}

/** The per-table summary, as a table for people. */
export function formatCounts(counts: Partial<ReconcileCounts>): string {
  return formatTable(
    ['table', 'created', 'updated', 'deleted', 'unchanged'],
    Object.entries(counts).map(([table, c]) => [
      table,
      String(c.created),
      String(c.updated),
      String(c.deleted),
      String(c.unchanged),
    ]),
  );
}

/** What a run that stopped part way exits with, saying where and what to do next. */
function stoppedRunError(
  error: ReconcileStoppedError,
  run: { dryRun: boolean; compared: boolean; signal: NodeJS.Signals | undefined },
): CliError {
  const cause = error.cause;
  // WorkOS asked to wait longer than the client waits: a command does not sleep through it (an
  // hour of silence reads as a hang); the client's message names the wait and the time, and
  // running again after it is the way on.
  const later = retryAfterOf(cause) ? ' after that time' : '';
  const after = run.dryRun
    ? `Nothing was written (dry run).${later && ` Run it again${later}.`}`
    : run.compared
      ? `What was compared before that is written; run reconcile again${later} to finish.`
      : `Nothing was compared, so nothing was written${later && `; run reconcile again${later}`}.`;
  if (run.signal) {
    return new CliError(
      `reconcile stopped by ${run.signal} while ${error.stoppedAt}.\n${after}`,
      exitCodes.failed,
      'reconcile_stopped',
    );
  }
  if (cause instanceof LeaseLostError) {
    return new CliError(
      `reconcile stopped while ${error.stoppedAt}: its run lease ran out between two pages and another process took it to reconcile this database.\n${after}`,
      exitCodes.conflict,
      'reconcile_lease_lost',
    );
  }
  return new CliError(
    `${error.message}\n${after}`,
    cause instanceof WorkosApiAuthError ? exitCodes.usage : exitCodes.failed,
    error.code,
    { retryAfter: retryAfterOf(cause) },
  );
}

/** `reconcile`: bring the mirror to WorkOS's state (first deploy, after an incident, nightly). */
export function registerReconcile(program: Command): void {
  const command = program
    .command('reconcile')
    .description(
      "bring the directory mirror to WorkOS's state: list it through WorkOS's API, create and update what differs, delete what WorkOS no longer has",
    )
    .option(
      '--organization <id>',
      'only this organization (its domains, directories, connections, memberships)',
    )
    .option('--directory <id>', 'only this directory (its users, groups and memberships)')
    .option(
      '--only <families>',
      'comma-separated: dsync, organizations, connections, user_management',
    )
    .option('--dry-run', 'compare and print the summary; write nothing')
    .option('--max-rps <n>', 'at most this many requests to WorkOS per second');
  addJsonOption(command, 'print one JSON object, on a failure too (its "error": code, message)');
  addDatabaseFlags(command, { migrates: true });
  addWorkosApiFlags(command);
  command.action(async (flags: ReconcileFlags) => {
    const scope = scopeOf(flags);
    const maxRps = maxRpsOf(flags.maxRps);
    // Ctrl-C (or SIGTERM) ends the request to WorkOS and the wait before a retry at once.
    const stopping = new AbortController();
    const client = cliWorkosApiClient(flags, { signal: stopping.signal });
    const { reconcile } = await import('../reconcile/reconcile.js');
    await withCliStore(
      flags,
      async (store) => {
        // One reconcile at a time per database: this run holds the run lease of
        // `serve/work --reconcile-every` while it writes (a dry run writes nothing and takes none).
        const lease = reconcileRunLease({
          store,
          owner: `cli-reconcile-${randomUUID()}`,
          leaseMs: defaults.reconcileLeaseMs.value,
          clock: systemClock,
          onStop: () => stopping.abort(),
        });
        // Stop at the request in flight and give the lease back; a second signal kills.
        const signals = stopOnSignals(lease);
        const started = performance.now();
        const progress = createProgressLine('reconcile');
        // Only the tables the scope reads: the others are never touched, their zeros are noise.
        const inScope = scopeTables(scope);
        const print = (all: ReconcileCounts, extra: Record<string, unknown>) => {
          const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
          const counts = Object.fromEntries(inScope.map((name) => [name, all[name]]));
          if (flags.json) {
            writeJson(command, { ...extra, seconds, tables: counts });
            return;
          }
          if (flags.dryRun) process.stdout.write('dry run: nothing was written\n');
          process.stdout.write(`${formatCounts(counts)}\n`);
        };
        try {
          if (!flags.dryRun) await takeRunLease(store, lease);
          if (signals.received) throw stoppedBeforeStart(signals.received);
          // A pause WorkOS asked for, kept with the run lease: not a request before it ends (a
          // dry run, which takes no lease, too).
          await refuseWhilePaused(
            lease,
            'reconcile',
            'nothing was asked of WorkOS',
            flags.dryRun
              ? '\nNothing was written (dry run). Run it again after that time.'
              : '\nNothing was compared, so nothing was written; run reconcile again after that time.',
          );
          const run = () =>
            reconcile({
              db: store,
              api: rateLimited(client, maxRps),
              scope,
              dryRun: flags.dryRun,
              onPage: async (p) => {
                progress.update(
                  `${p.table}: ${p.objects} object${p.objects === 1 ? '' : 's'}, ${p.pages} page${p.pages === 1 ? '' : 's'}`,
                );
                if (flags.dryRun) {
                  if (signals.received) throw new LeaseLostError('stopped');
                } else await lease.keep();
              },
            });
          // The run lease renewed after each page and on a heartbeat between them.
          const result = flags.dryRun ? await run() : await lease.hold(run);
          progress.finish();
          print(result.counts, {
            dryRun: result.dryRun,
            snapshotStart: result.snapshotStart,
            pages: result.pages,
            objects: result.objects,
            notFound: result.notFound,
          });
          for (const what of result.notFound) {
            // A typo in the id reads like a clean run otherwise.
            process.stderr.write(
              `workos-inbox: WorkOS has no ${what} (404): what the mirror had of it ${flags.dryRun ? 'would be' : 'is'} deleted. Check the id if you expected one.\n`,
            );
          }
        } catch (error) {
          progress.finish();
          if (!(error instanceof ReconcileStoppedError)) throw error;
          const compared = Object.values(error.counts).some(
            (c) => repairedRows(c) + c.unchanged > 0,
          );
          // Kept with the run lease (a dry run writes nothing, this included).
          if (!flags.dryRun) await keepAskedPause(lease, error.cause);
          const failure = stoppedRunError(error, {
            dryRun: flags.dryRun ?? false,
            compared,
            signal: signals.received,
          });
          // A table of zeros says nothing a person needs; scripts get their JSON either way, with
          // the error (and the wait WorkOS asked for, when it is why the run stopped).
          if (compared || flags.json) {
            print(error.counts, {
              dryRun: flags.dryRun ?? false,
              stoppedAt: error.stoppedAt,
              error: jsonError(failure),
            });
          }
          throw failure;
        } finally {
          signals.dispose();
          if (!flags.dryRun) await lease.release();
        }
      },
      // A dry run writes nothing, the schema included: it needs a database `serve` or `migrate`
      // made (and says so otherwise); a real run brings the schema up to date first.
      { migrate: !flags.dryRun },
    );
  });
}
