import { packageVersion } from '../version.js';
import { Command, CommanderError } from 'commander';
import { withReadingAid } from '../defaults.js';
import { ConfigError } from '../server/config.js';
import { DatabaseDriverMissingError, DatabaseDriverNotBuiltError } from '../store/load-backend.js';
import { SchemaMismatchError, StoreUnavailableError } from '../store/types.js';
import { InvalidDatabaseError } from '../store/open-store.js';
import { registerDeliveries } from './deliveries.js';
import { registerDirectory } from './directory.js';
import { registerEventsList } from './events-list.js';
import { registerEventsPrune } from './events-prune.js';
import { registerEventsRedrive } from './events-redrive.js';
import { registerEventsReplay } from './events-replay.js';
import { registerEventsShow } from './events-show.js';
import { refuseEmptyValues } from './empty-values.js';
import { CliError, exitCodes } from './exit-codes.js';
import { registerMigrate } from './migrate.js';
import { registerListen } from './listen.js';
import { registerPull } from './pull.js';
import { registerReconcile } from './reconcile.js';
import { registerServe, registerWork } from './serve.js';
import { registerSign } from './sign.js';
import { registerStats } from './stats.js';
import { registerTrigger } from './trigger.js';
import { registerVerify } from './verify.js';

/** The `workos-inbox` program; exported so tests can parse without spawning. */
export function createProgram(): Command {
  const program = new Command('workos-inbox')
    .description('Verified, durable WorkOS webhooks: serve, test and operate the inbox')
    .version(packageVersion)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .hook('preAction', (_program, command) => refuseEmptyValues(command));
  registerServe(program);
  registerWork(program);
  registerTrigger(program);
  registerSign(program);
  registerVerify(program);
  const events = program
    .command('events')
    .description('list, show, replay, redrive and prune inbox events');
  registerEventsList(events);
  registerEventsShow(events);
  registerEventsReplay(events);
  registerEventsRedrive(events);
  registerEventsPrune(events);
  registerDeliveries(program);
  registerDirectory(program);
  registerMigrate(program);
  registerStats(program);
  registerPull(program);
  registerReconcile(program);
  registerListen(program);
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok · 1 failed (invalid signature, non-2xx answers) · 2 usage or configuration ·\n3 database unreachable, schema mismatch or driver missing · 4 not found ·\n5 busy (an event being processed, or a lease another process holds: pull, reconcile)',
  );
  showDefaultsUnquoted(program);
  return program;
}

/**
 * Commander shows a string default quoted, `(default: "180000")`, `(default: "dead")`, and an empty
 * list as `[]`: shown as the settings' defaults are, `180000 (3 min)`, `dead`, `none` (a flag in
 * milliseconds, `--…-ms`, with its reading aid).
 */
function showDefaultsUnquoted(command: Command): void {
  for (const option of command.options) {
    const value: unknown = option.defaultValue;
    if (option.defaultValueDescription !== undefined || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) {
      option.defaultValueDescription = 'none';
    } else if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) {
      const unit = option.long?.endsWith('-ms') ? 'ms' : undefined;
      option.defaultValueDescription = withReadingAid(Number(value), unit);
    } else if (typeof value === 'string') {
      option.defaultValueDescription = value;
    }
  }
  for (const sub of command.commands) showDefaultsUnquoted(sub);
}

/** Map every failure to one line on stderr and a documented exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return exitCodes.ok;
    }
    return exitCodes.usage;
  }
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError || error instanceof InvalidDatabaseError) return exitCodes.usage;
  if (isDatabaseError(error)) return exitCodes.database;
  return exitCodes.failed;
}

/** Errors whose message is meant for the user as is (no stack trace). */
export function isExpectedError(error: unknown): error is Error {
  return (
    error instanceof CliError ||
    error instanceof ConfigError ||
    error instanceof InvalidDatabaseError ||
    isDatabaseError(error)
  );
}

/** The database cannot be used: unreachable, its schema, or its driver not installed or built. */
function isDatabaseError(error: unknown): error is Error {
  return (
    error instanceof StoreUnavailableError ||
    error instanceof SchemaMismatchError ||
    error instanceof DatabaseDriverMissingError ||
    error instanceof DatabaseDriverNotBuiltError
  );
}
