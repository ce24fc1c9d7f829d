#!/usr/bin/env node
// The `workos-inbox` bin: parse, run, and turn every failure into one line and an exit code.
import { CommanderError } from 'commander';
import { databaseCliError } from './database-error.js';
import { fileSystemCliError } from './file-error.js';
import { exitCodes } from './exit-codes.js';
import { jsonErrorOf, jsonFailureCommand, writeJson } from './json-error.js';
import { createProgram, exitCodeFor, isExpectedError } from './program.js';

// A reader that stops early (`events list --json | head`) closes the pipe: stop quietly, as Unix
// tools do, instead of an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(exitCodes.ok);
  throw error;
});

const program = createProgram();
try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  // A driver's "no such database" or "connection refused" is the user's to fix: one line, exit 3;
  // so is a folder this user cannot write: one line, exit 2.
  const error = databaseCliError(thrown) ?? fileSystemCliError(thrown) ?? thrown;
  // Commander has already printed its own message (usage errors, help).
  if (!(error instanceof CommanderError)) {
    const message = isExpectedError(error)
      ? error.message
      : String((error as Error | undefined)?.stack ?? error);
    process.stderr.write(`workos-inbox: ${message}\n`);
  }
  const code = exitCodeFor(error);
  // Every command's --json: one object on stdout whatever failed (a bad flag, the database, an id
  // not found, a lease), so `… --json | jq` never reads nothing; the line above stays on stderr.
  const json =
    code === exitCodes.ok
      ? undefined
      : jsonFailureCommand(program, process.argv.slice(2), error instanceof CommanderError);
  if (json) writeJson(json, { error: jsonErrorOf(error) });
  // Exit now: after a failed start, open handles (a cluster worker's IPC channel, a pool being
  // closed) would otherwise keep the process alive with the error already printed.
  process.exit(code);
}
