import { defaults } from '../defaults.js';
import type { Command } from 'commander';
import { redactUrl } from '../forward/redact-url.js';
import { listen } from '../listen/listen.js';
import type { ListenResult } from '../listen/listen.js';
import { SinceFormatError, parseSince } from '../pull/parse-since.js';
import { eventTimeMs } from '../workos-api/event-time.js';
import { CliError, exitCodes } from './exit-codes.js';
import { resolveToolSecretsAndSource } from './secret-option.js';
import { defaultTriggerUrl } from './trigger.js';
import {
  addWorkosApiFlags,
  cliWorkosApiClient,
  noteUnknownEventNames,
  parseEventNames,
  workosApiCliError,
} from './workos-api-flags.js';
import type { WorkosApiFlags } from './workos-api-flags.js';

interface ListenFlags extends WorkosApiFlags {
  forwardTo?: string;
  secret?: string;
  dataDir?: string;
  since: string;
  events?: string;
  intervalMs: string;
}

/** `listen`: forward new events from WorkOS's Events API to a local endpoint, signed (local development). */
export function registerListen(program: Command): void {
  const command = program
    .command('listen')
    .description(
      "local development: read new events from WorkOS's Events API and POST each, signed with the local secret, to a local endpoint",
    )
    .option(
      '--forward-to <url>',
      'where to POST events (default: the local serve, http://127.0.0.1:$PORT/webhooks/workos)',
    )
    .option(
      '--secret <secret>',
      `signing secret (env: ${defaults.secret.env}, the first one if comma-separated; default: local serve's development secret)`,
    )
    .option(
      '--data-dir <path>',
      `where serve keeps its development secret (env: ${defaults.dataDir.env}; default: ${defaults.dataDir.value})`,
    )
    .option(
      '--since <when>',
      'start from: now, 30m, 12h, 7d or an ISO date',
      defaults.pullSince.value,
    )
    .option(
      '--events <names>',
      'comma-separated event names (default: every name this version knows)',
    )
    .option(
      '--interval-ms <ms>',
      'pause between reads once caught up',
      // A number, so that the help shows it unquoted; a flag given is a string.
      defaults.listenIntervalMs.value as unknown as string,
    );
  addWorkosApiFlags(command);
  command.action(async (flags: ListenFlags) => {
    // Ctrl-C ends the request to WorkOS, the wait before its retry and the delivery in progress.
    const stop = new AbortController();
    const client = cliWorkosApiClient(flags, { signal: stop.signal });
    const events = parseEventNames(flags.events);
    // As `pull` does: a typo (`dsync.usr.created`) would otherwise listen for nothing without a word.
    noteUnknownEventNames(events);
    // As `trigger` signs (and forwarding, by default): with the first of a rotation's secrets.
    const { secrets, source } = resolveToolSecretsAndSource(flags);
    const [secret] = secrets;
    const secretSource = secrets.length > 1 ? `the first secret of ${source}` : source;
    // As `trigger` sends: to the local serve, on the PORT and WORKOS_INBOX_PATH it follows.
    const forwardTo = flags.forwardTo ?? defaultTriggerUrl();
    if (!/^https?:\/\/[^/]/.test(forwardTo)) {
      throw new CliError(
        `--forward-to "${redactUrl(forwardTo)}": expected an http(s):// URL`,
        exitCodes.usage,
        'invalid_url',
      );
    }
    const intervalMs = Number(flags.intervalMs);
    if (!Number.isInteger(intervalMs) || intervalMs < 100) {
      throw new CliError(
        '--interval-ms must be an integer of 100 or more',
        exitCodes.usage,
        'invalid_interval',
      );
    }
    let since: string;
    try {
      since = parseSince(flags.since, Date.now());
    } catch (error) {
      if (error instanceof SinceFormatError)
        throw new CliError(error.message, exitCodes.usage, error.code);
      throw error;
    }
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.stderr.write(
      `reading new events from ${client.apiUrl}/events, forwarding each to ${redactUrl(forwardTo)} (Ctrl-C stops)\n`,
    );
    let result: ListenResult;
    try {
      result = await listen({
        client,
        forwardTo,
        secret,
        secretSource,
        since,
        events,
        intervalMs,
        signal: stop.signal,
        print: (line) => process.stdout.write(`${line}\n`),
      });
    } catch (error) {
      // WorkOS refused the key (exit 2, as `pull`), or the URL or a parameter (exit 1).
      throw workosApiCliError(error) ?? error;
    }
    const { forwarded, refused, refusals, firstRefused, undelivered, lastRead, stoppedBy } = result;
    process.stderr.write(
      `stopped: ${forwarded} event${forwarded === 1 ? '' : 's'} forwarded${refused > 0 ? `, ${refused} refused by the destination (3xx or 4xx)` : ''}\n`,
    );
    if (firstRefused) {
      // Passed, not retried: they are not delivered, and a script or `&&` sees it (exit 1).
      const statuses = refusals
        .flatMap((r) => Object.entries(r.statuses).map(([status, n]) => `${status} ×${n}`))
        .join(', ');
      process.stderr.write(
        `refused: ${refused} event${refused === 1 ? ' was' : 's were'} not delivered (${statuses}); ${refusals.map((r) => r.advice).join('; ')}; then, to send ${refused === 1 ? 'it' : 'them'}, run listen again with --since ${sinceOf(firstRefused.createdAt)}\n`,
      );
    }
    if (undelivered) {
      // The cursor lives in memory: say how to send the rest, rather than let `--since now` skip it.
      process.stderr.write(
        `not delivered: ${undelivered.id} (${undelivered.event}) and what followed it; to send them, run listen again with --since ${sinceOf(undelivered.createdAt)}\n`,
      );
    }
    if (stoppedBy) {
      // WorkOS ended the run part way (a key refused, a parameter rejected): after the counts
      // above, its error (exit 2 for the key, as at the start, else 1) and where to go on from, so
      // that `--since now` does not skip what was not read. From the first refused event, when
      // there is one: that sends them too.
      const from = firstRefused ?? lastRead;
      const what = lastRead
        ? `what followed ${lastRead.id} (${lastRead.event})`
        : `the events from ${sinceOf(since)} on`;
      const { message, exitCode, code } = workosApiCliError(stoppedBy) as CliError;
      throw new CliError(
        `${message}\nnot read: ${what}; to send ${lastRead ? 'it' : 'them'}${firstRefused ? ' and the refused events' : ''}, run listen again with --since ${sinceOf(from?.createdAt ?? since)}`,
        exitCode,
        code,
        { cause: stoppedBy },
      );
    }
    // Stopped with work undone (an event not delivered, or refused), as `pull` and `trigger` are
    // when interrupted and `trigger` is on a non-2xx answer: a script sees it.
    if (undelivered || firstRefused) process.exitCode = exitCodes.failed;
  });
}

/**
 * An event's `created_at` as a `--since` that can be pasted: ISO-8601 in UTC. WorkOS also sends
 * `2026-12-07 07:52:48.070` (a space, no zone), which a shell splits into two arguments. Whole
 * milliseconds: a finer `created_at` rounds down, so the event itself is still sent again.
 */
function sinceOf(createdAt: string): string {
  const ms = eventTimeMs(createdAt);
  return Number.isNaN(ms) ? `'${createdAt}'` : new Date(ms).toISOString();
}
