import { defaults } from '../defaults.js';
import type { Command } from 'commander';
import { unknownEventNameNote } from './event-name-note.js';
import { limits } from '../limits.js';
import { WorkosApiClient } from '../workos-api/workos-api-client.js';
import { apiKeyProblem, workosApiSettings } from '../workos-api/workos-api-options.js';
import type { WorkosApiOptions } from '../workos-api/workos-api-options.js';
import { WorkosApiAuthError, WorkosApiError } from '../workos-api/workos-api-errors.js';
import { CliError, exitCodes } from './exit-codes.js';
import { retryAfterOf } from './json-error.js';

export interface WorkosApiFlags {
  apiKey?: string;
  apiUrl?: string;
  apiTimeoutMs?: string;
}

/** `--api-key`, `--api-url` and `--api-timeout-ms`, for commands that call WorkOS's REST API. */
export function addWorkosApiFlags(command: Command): Command {
  return command
    .option('--api-key <key>', `WorkOS API key, sk_… (env: ${defaults.apiKey.env})`)
    .option(
      '--api-url <url>',
      `WorkOS API base URL (env: ${defaults.apiUrl.env}; default: ${defaults.apiUrl.value})`,
    )
    .option(
      '--api-timeout-ms <ms>',
      `give up on one request to WorkOS, its answer included, after this long; then retry (env: ${defaults.apiTimeoutMs.env}; default: ${defaults.apiTimeoutMs.value})`,
    );
}

/** `--api-timeout-ms`, else `WORKOS_API_TIMEOUT_MS`, else the default; a bad value is a usage error. */
export function apiTimeoutMs(flags: WorkosApiFlags, env: NodeJS.ProcessEnv = process.env): number {
  const { env: name } = defaults.apiTimeoutMs;
  const text = flags.apiTimeoutMs ?? (env[name] || undefined);
  if (text === undefined) return defaults.apiTimeoutMs.value;
  const max = limits.apiTimeoutMaxMs;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) {
    throw new CliError(
      `--api-timeout-ms (${name}) must be a whole number from 1 to ${max}, got "${text}"`,
      exitCodes.usage,
      'invalid_api_timeout',
    );
  }
  return Number(text);
}

/** A client from the flags and environment; a missing key is a usage error naming the variable. */
export function cliWorkosApiClient(
  flags: WorkosApiFlags,
  extra: Partial<WorkosApiOptions> = {},
): WorkosApiClient {
  const { apiKey, apiUrl } = workosApiSettings(flags);
  if (!apiKey) {
    throw new CliError(
      'no WorkOS API key: set WORKOS_API_KEY or pass --api-key (an sk_… key from the WorkOS dashboard)',
      exitCodes.usage,
      'no_api_key',
    );
  }
  const problem = apiKeyProblem(apiKey);
  if (problem) throw new CliError(problem, exitCodes.usage, 'invalid_api_key');
  if (!/^https?:\/\/[^/]/.test(apiUrl)) {
    throw new CliError(
      `--api-url "${apiUrl}": expected an http(s):// URL`,
      exitCodes.usage,
      'invalid_api_url',
    );
  }
  const timeoutMs = apiTimeoutMs(flags);
  return new WorkosApiClient({ apiKey, apiUrl, timeoutMs, onRetry: retryLine, ...extra });
}

/**
 * Each retry on stderr: a pull through a WorkOS hiccup (a 503, a 1-minute Retry-After, timeouts)
 * says what it waits for instead of sitting silent for minutes.
 */
export function retryLine(
  info: Parameters<NonNullable<WorkosApiOptions['onRetry']>>[0],
  write = (line: string) => process.stderr.write(line),
): void {
  write(
    `workos-inbox: ${info.message}; retry ${info.attempt} of ${info.maxRetries} in ${(info.delayMs / 1000).toFixed(1)} s\n`,
  );
}

/** `--events a,b`: event names as WorkOS spells them (new names are allowed). */
export function parseEventNames(text: string | undefined, flag = '--events'): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const bad = names.find((n) => !/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(n));
  if (names.length === 0 || bad !== undefined) {
    throw new CliError(
      `${flag} "${bad ?? text}": expected event names like dsync.user.created, comma-separated`,
      exitCodes.usage,
      'invalid_events',
    );
  }
  return names;
}

/**
 * A note on stderr for each name this version does not know: WorkOS may have added it (so it is
 * still asked for), but a typo (`dsync.user.creatd`) would otherwise pull nothing without a word.
 */
export function noteUnknownEventNames(
  names: readonly string[] | undefined,
  write = (line: string) => process.stderr.write(line),
): void {
  for (const name of names ?? []) {
    const note = unknownEventNameNote(name, '; it is asked for anyway');
    if (note) write(note);
  }
}

/**
 * A WorkOS API error as the commands report it: a refused key is the user's to fix (exit 2), any
 * other failure of WorkOS's API exits 1; undefined for an error of another kind.
 */
export function workosApiCliError(error: unknown): CliError | undefined {
  if (!(error instanceof WorkosApiError)) return undefined;
  const exitCode = error instanceof WorkosApiAuthError ? exitCodes.usage : exitCodes.failed;
  return new CliError(error.message, exitCode, error.code, { retryAfter: retryAfterOf(error) });
}
