import { CommanderError } from 'commander';
import type { Command } from 'commander';
import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import { retryAfterAsked } from '../workos-api/workos-api-errors.js';
import { CliError } from './exit-codes.js';
import type { RetryAfter } from './exit-codes.js';

/** The `error` object every command's `--json` prints when the command fails (docs/errors.md). */
export interface JsonError extends Partial<RetryAfter> {
  code: string;
  message: string;
}

/** The wait `error` names, when it is WorkOS asking (`Retry-After`) longer than the client waits. */
export function retryAfterOf(error: unknown): RetryAfter | undefined {
  const asked = retryAfterAsked(error);
  if (!asked) return undefined;
  return {
    retryAfterMs: asked.retryAfterMs,
    ...(asked.retryAt !== undefined && { retryAt: asked.retryAt }),
  };
}

/**
 * `error` for `--json`: its code and message and, when WorkOS asked to wait longer than the client
 * waits, `retryAfterMs` and `retryAt`, so a script can schedule the next run without parsing the
 * message.
 */
export function jsonError(error: WorkosInboxError): JsonError {
  const retry = error instanceof CliError ? error.retryAfter : retryAfterOf(error);
  return { code: error.code, message: error.message, ...retry };
}

/**
 * `error` for `--json` of any failure: a usage error Commander found (an unknown flag, a flag
 * without its value) is `cli_error` with Commander's words; an unexpected error (a bug) is
 * `internal_error` with its message.
 */
export function jsonErrorOf(error: unknown): JsonError {
  if (error instanceof WorkosInboxError) return jsonError(error);
  if (error instanceof CommanderError) {
    return { code: 'cli_error', message: error.message.replace(/^error: /, '') };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal_error', message };
}

/** Commands whose `--json` promises one object on stdout, on a failure too; whether it is written. */
const jsonCommands = new WeakMap<Command, { written: boolean }>();

/**
 * `--json` on `command`: it prints one JSON object, written with {@link writeJson}, or one object
 * per line, written with {@link writeJsonLine}. When the command fails without having written its
 * object (a bad flag, a database it cannot open, an id it does not find, a lease another process
 * holds), the bin writes `{ "error": … }` for it (see {@link jsonFailureCommand}); a command of
 * JSON lines gets it as its last line, after the rows it printed before failing, if any.
 */
export function addJsonOption(command: Command, description: string): Command {
  jsonCommands.set(command, { written: false });
  return command.option('--json', description);
}

/** Write `command`'s one JSON object on stdout: a failure after it adds nothing to stdout. */
export function writeJson(command: Command, object: unknown): void {
  const state = jsonCommands.get(command);
  if (state) state.written = true;
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

/**
 * Write one row of a command whose `--json` prints one object per line (`events list`): a failure
 * after it still ends stdout with the `{ "error": … }` line, so a script tells a list cut short
 * from a whole one.
 */
export function writeJsonLine(object: unknown): void {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

/**
 * After a failure: the command of this run (`args`, the command line without node and the bin:
 * the commands named first, then their flags) that was given `--json` (added with
 * {@link addJsonOption}) and has not written its object yet, or undefined. `usageError`: the
 * failure is one Commander found while reading the flags. It stops reading them at a value it
 * refuses (`trigger --scenario nope --json`), so `--json` may be on the command line without
 * Commander having set it: then the command line decides.
 */
export function jsonFailureCommand(
  program: Command,
  args: readonly string[],
  usageError: boolean,
): Command | undefined {
  let command = program;
  let rest = args;
  for (;;) {
    const [name, ...after] = rest;
    const sub =
      name === undefined
        ? undefined
        : command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!sub) break;
    command = sub;
    rest = after;
  }
  const state = jsonCommands.get(command);
  if (!state || state.written) return undefined;
  if (command.getOptionValue('json') === true) return command;
  const end = rest.indexOf('--');
  const flags = end === -1 ? rest : rest.slice(0, end);
  return usageError && flags.includes('--json') ? command : undefined;
}
