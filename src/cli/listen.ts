import { defaults } from '../defaults.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { redactUrl } from '../forward/redact-url.js';
import { listen } from '../listen/listen.js';
import { SinceFormatError, parseSince } from '../pull/parse-since.js';
import { devSecretFile, readDevCredential } from '../server/dev-credentials.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addWorkosApiFlags, cliWorkosApiClient, parseEventNames } from './workos-api-flags.js';
import type { WorkosApiFlags } from './workos-api-flags.js';

interface ListenFlags extends WorkosApiFlags {
  forwardTo: string;
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
      'where to POST events',
      `http://localhost:${defaults.port.value}${defaults.path.value}`,
    )
    .option(
      '--secret <secret>',
      "signing secret (env: WORKOS_WEBHOOK_SECRET; default: local serve's development secret)",
    )
    .option('--data-dir <path>', 'where serve keeps its development secret', defaults.dataDir.value)
    .option(
      '--since <when>',
      'start from: now, 30m, 12h, 7d or an ISO date',
      defaults.pullSince.value,
    )
    .option('--events <names>', 'comma-separated event names (default: all)')
    .option(
      '--interval-ms <ms>',
      'pause between reads once caught up',
      String(defaults.listenIntervalMs.value),
    );
  addWorkosApiFlags(command);
  command.action(async (flags: ListenFlags) => {
    const client = cliWorkosApiClient(flags);
    const events = parseEventNames(flags.events);
    const secret =
      flags.secret ??
      (process.env[defaults.secret.env] || undefined) ??
      readDevCredential(resolve(flags.dataDir ?? defaults.dataDir.value), devSecretFile);
    if (!secret) {
      throw new CliError(
        'no signing secret: start `workos-inbox serve` here once (it creates a development secret), or pass --secret / set WORKOS_WEBHOOK_SECRET',
        exitCodes.usage,
        'no_secret',
      );
    }
    if (!/^https?:\/\/[^/]/.test(flags.forwardTo)) {
      throw new CliError(
        `--forward-to "${redactUrl(flags.forwardTo)}": expected an http(s):// URL`,
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
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.stderr.write(
      `reading new events from ${client.apiUrl}/events, forwarding each to ${redactUrl(flags.forwardTo)} (Ctrl-C stops)\n`,
    );
    const delivered = await listen({
      client,
      forwardTo: flags.forwardTo,
      secret,
      since,
      events,
      intervalMs,
      signal: stop.signal,
      print: (line) => process.stdout.write(`${line}\n`),
    });
    process.stderr.write(`stopped: ${delivered} events forwarded\n`);
  });
}
