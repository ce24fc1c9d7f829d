import { defaults } from '../defaults.js';
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { didYouMean } from '../errors/close-matches.js';
import { applySet, deepMerge } from './event-shaping.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJson } from './json-error.js';
import type { JsonError } from './json-error.js';
import { createProgressBar } from './progress-bar.js';
import { scenarioNames } from './scenario-names.js';
import type * as sampleSource from './sample-source.js';
import { resolveToolSecrets } from './secret-option.js';
import { sendWebhooks } from './send-webhooks.js';
import type { SendSummary } from './send-webhooks.js';

type SampleSource = typeof sampleSource;

interface TriggerFlags {
  to?: string;
  secret?: string;
  dataDir?: string;
  set: string[];
  dataFile?: string;
  count: string;
  concurrency: string;
  scenario?: string;
  seed?: string;
  insecure?: boolean;
  json?: boolean;
}

/**
 * The local `serve` address, following the same PORT and WORKOS_INBOX_PATH as `serve`. A value
 * `serve` would refuse is refused here too, naming the variable (not `--to`, which was not given;
 * `listen` retried an invalid URL forever).
 */
export function defaultTriggerUrl(env: NodeJS.ProcessEnv = process.env): string {
  const port = env[defaults.port.env] || String(defaults.port.value);
  const path = env[defaults.path.env] || defaults.path.value;
  const refuse = (problem: string) =>
    new CliError(
      `${problem}: without --to, events go to the local serve at ` +
        `http://127.0.0.1:$${defaults.port.env}$${defaults.path.env}; fix it, or pass --to <url>`,
      exitCodes.usage,
      'invalid_url',
    );
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw refuse(`${defaults.port.env} must be a port from 1 to 65535, got "${port}"`);
  }
  if (!path.startsWith('/') || /[?#\s]/.test(path)) {
    throw refuse(`${defaults.path.env} must start with "/" and hold no query, got "${path}"`);
  }
  return `http://127.0.0.1:${port}${path}`;
}

/** `workos-inbox trigger <event>`: send realistic, correctly signed events, like `stripe trigger`. */
export function registerTrigger(program: Command): void {
  const command = program
    .command('trigger')
    .description('send realistic, correctly signed WorkOS events to a webhook endpoint')
    .argument('[event]', 'event name, e.g. dsync.user.created (`trigger --list` shows them all)')
    .option(
      '--to <url>',
      'endpoint URL (default: the local serve, http://127.0.0.1:$PORT/webhooks/workos)',
    )
    .option(
      '--secret <secret>',
      'webhook secret (env: WORKOS_WEBHOOK_SECRET; default: the development secret in the data folder)',
    )
    .option(
      '--data-dir <path>',
      'where `serve` keeps the development secret (env: WORKOS_INBOX_DATA_DIR; default: .workos-inbox)',
    )
    .option(
      '--set <path=value>',
      'set a field of the wire event (dotted path, JSON value when valid JSON); repeatable',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--data-file <file>', "JSON object merged into the event's data")
    .option('--count <n>', 'how many events (each with a fresh id)', '1')
    .option('--concurrency <n>', 'requests in flight at once', '8')
    .addOption(
      new Option('--scenario <name>', 'play a scenario instead of one event').choices([
        ...scenarioNames,
      ]),
    )
    .option(
      '--seed <n>',
      'scenario seed: the same seed plays the same history (same ids, so a replay is all duplicates)',
    )
    .option('--insecure', 'accept a self-signed TLS certificate')
    .option('--list', 'list the event names and exit');
  addJsonOption(
    command,
    'print the summary as JSON (with --list: the names, as a JSON array), on a failure {"error": {code, message}}',
  );
  command.action(async (name: string | undefined, flags: TriggerFlags & { list?: boolean }) => {
    // Loaded on use: the samples and the history generator are not needed by other commands.
    const samples = await import('./sample-source.js');
    if (flags.list) {
      // `--list` sends nothing: a name beside it would be ignored without a word.
      if (name !== undefined) {
        throw new CliError(
          `--list sends nothing: give either --list or an event name ("${name}")`,
          exitCodes.usage,
        );
      }
      const names = samples.sampleEventNames();
      // --json was accepted and ignored: one name a line is not JSON.
      if (flags.json) writeJson(command, names);
      else process.stdout.write(`${names.join('\n')}\n`);
      return;
    }
    const count = positiveInteger(flags.count, '--count');
    const concurrency = positiveInteger(flags.concurrency, '--concurrency');
    const to = flags.to ?? defaultTriggerUrl();
    let url: URL;
    try {
      url = new URL(to);
    } catch {
      throw new CliError(`--to must be a URL, got "${flags.to}"`, exitCodes.usage);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CliError(
        `--to must be an http:// or https:// URL, got a ${url.protocol}// one`,
        exitCodes.usage,
      );
    }
    // What to send first: a mistyped event name is the error to show, not a missing secret.
    const bodies = await buildBodies(samples, name, flags, count);
    const [secret] = resolveToolSecrets(flags);
    // The name sent, which `--set event=…` may have changed: the summary names what went out.
    const label = flags.scenario ? `scenario ${flags.scenario}` : sentName(bodies.body(0), name);
    const bar = createProgressBar(bodies.total, label);
    // Ctrl-C stops sending and still prints what was sent and answered (to compare with what
    // was stored); a second one exits at once.
    const interrupt = new AbortController();
    const onSigint = () => {
      if (interrupt.signal.aborted) process.exit(130);
      interrupt.abort();
    };
    process.on('SIGINT', onSigint);
    let summary: SendSummary;
    try {
      summary = await sendWebhooks({
        url,
        count: bodies.total,
        concurrency,
        body: bodies.body,
        secret: secret as string,
        insecure: flags.insecure === true,
        onProgress: (n) => bar.update(n),
        signal: interrupt.signal,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    bar.finish();
    const failure = triggerFailure(summary, bodies.total, interrupt.signal.aborted);
    // --json: one object, the summary (its statuses) with the `error` every --json failure has,
    // so a script that checks `.error` sees a trigger that failed as it sees any other command.
    if (flags.json)
      writeJson(command, { ...summary, to: url.href, ...(failure && { error: failure }) });
    else printSummary(summary, label, url);
    if (failure) {
      // Ctrl-C: said in both modes. Answers not 2xx: the summary above says so to a person, the
      // line says so beside --json's object.
      if (interrupt.signal.aborted || flags.json) process.stderr.write(`${failure.message}\n`);
      process.exitCode = exitCodes.failed;
    }
  });
}

/**
 * Why a trigger that sent its events failed (exit 1), as `--json`'s `error`: stopped by Ctrl-C
 * (`trigger_stopped`), or an answer that was not a 2xx, or none (`not_accepted`); undefined when
 * every event was accepted.
 */
function triggerFailure(
  summary: SendSummary,
  total: number,
  interrupted: boolean,
): JsonError | undefined {
  if (interrupted) {
    return {
      code: 'trigger_stopped',
      message: `interrupted: ${summary.sent} of ${total} sent (those in flight were answered first)`,
    };
  }
  const refused = summary.sent - summary['2xx'];
  if (refused === 0) return undefined;
  const answers = [
    ...Object.entries(summary.statuses)
      .filter(([status]) => !status.startsWith('2'))
      .map(([status, n]) => `${status} ×${n}`),
    ...(summary.errors > 0 ? [`no HTTP answer ×${summary.errors}`] : []),
  ].join(', ');
  const hint = summary.firstFailure?.includes('signature_mismatch') ? `; ${secretHint}` : '';
  return {
    code: 'not_accepted',
    message: `not accepted: ${refused} of ${summary.sent} sent got no 2xx answer (${answers}); first failure: ${summary.firstFailure}${hint}`,
  };
}

const secretHint =
  'the endpoint has another secret; pass it with --secret (or WORKOS_WEBHOOK_SECRET)';

function sentName(body: string, name: string | undefined): string {
  const { event } = JSON.parse(body) as { event?: unknown };
  return typeof event === 'string' ? event : (name ?? '');
}

async function buildBodies(
  samples: SampleSource,
  name: string | undefined,
  flags: TriggerFlags,
  count: number,
): Promise<{ total: number; body: (i: number) => string }> {
  if (flags.scenario) {
    if (name)
      throw new CliError('give either an event name or --scenario, not both', exitCodes.usage);
    if (count !== 1) {
      throw new CliError(
        '--count does not apply to --scenario: a scenario sends its history once (run it again, or with another --seed, for more)',
        exitCodes.usage,
      );
    }
    // A scenario's events are its history as generated: a shaping flag would be dropped unsaid.
    const shaping = [
      flags.set.length > 0 ? '--set' : undefined,
      flags.dataFile !== undefined ? '--data-file' : undefined,
    ].filter((flag) => flag !== undefined);
    if (shaping.length > 0) {
      throw new CliError(
        `${shaping.join(' and ')} ${shaping.length > 1 ? 'do' : 'does'} not apply to --scenario: it shapes a single event (\`trigger <event> --set …\`)`,
        exitCodes.usage,
      );
    }
    const seed = flags.seed === undefined ? undefined : positiveInteger(flags.seed, '--seed');
    const events = await samples.scenarioEvents(flags.scenario, seed);
    return { total: events.length, body: (i) => JSON.stringify(events[i]) };
  }
  if (!name) {
    throw new CliError(
      'which event? e.g. `workos-inbox trigger dsync.user.created` (`trigger --list` shows all names)',
      exitCodes.usage,
    );
  }
  if (flags.seed !== undefined) {
    // Each single event gets fresh ids; only a scenario's history is seeded.
    throw new CliError(
      '--seed applies to --scenario only: a single event gets fresh ids every time',
      exitCodes.usage,
    );
  }
  const names = samples.sampleEventNames();
  if (!names.includes(name)) {
    throw new CliError(
      `unknown event "${name}".${didYouMean(name, names)} (\`trigger --list\` shows all ${names.length} names)`,
      exitCodes.usage,
      'unknown_event',
    );
  }
  let dataPatch: Record<string, unknown> | undefined;
  if (flags.dataFile) {
    try {
      dataPatch = JSON.parse(readFileSync(flags.dataFile, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(
        `--data-file ${flags.dataFile}: ${(error as Error).message}`,
        exitCodes.usage,
      );
    }
    if (dataPatch === null || typeof dataPatch !== 'object' || Array.isArray(dataPatch)) {
      throw new CliError(`--data-file ${flags.dataFile} must hold a JSON object`, exitCodes.usage);
    }
  }
  const make = (): string => {
    const event = samples.sampleWireEvent(name) as unknown as Record<string, unknown>;
    if (dataPatch) deepMerge(event.data as Record<string, unknown>, structuredClone(dataPatch));
    for (const assignment of flags.set) applySet(event, assignment);
    return JSON.stringify(event);
  };
  make(); // Report a bad --set before sending anything.
  return { total: count, body: make };
}

function positiveInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new CliError(`${flag} must be a whole number ≥ 1, got "${value}"`, exitCodes.usage);
  }
  return Number(value);
}

function printSummary(summary: SendSummary, label: string, url: URL): void {
  const line =
    `${label} → ${url.href}\n` +
    `sent ${summary.sent} · 2xx ${summary['2xx']} · 4xx ${summary['4xx']} · 5xx ${summary['5xx']}` +
    // Refused connections, resets and requests that got no answer in time.
    (summary.errors > 0 ? ` · no HTTP answer ${summary.errors}` : '') +
    ` · ${summary.requestsPerSecond} req/s · ${(summary.durationMs / 1000).toFixed(2)} s\n`;
  process.stdout.write(line);
  if (summary.firstFailure) {
    process.stderr.write(`first failure: ${summary.firstFailure}\n`);
    if (summary.firstFailure.includes('signature_mismatch')) {
      process.stderr.write(`hint: ${secretHint}\n`);
    }
  }
}
