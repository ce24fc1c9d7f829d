import cluster from 'node:cluster';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { forwardDefaults, resolveServeConfig } from '../server/config.js';
import type { ServeConfig } from '../server/config.js';
import { addConfigFlags, typedFlags } from './config-flags.js';
import { suggestMeantOptions } from './meant-options.js';

/** `workos-inbox serve`: receiver, worker and read API in one process (or N with --processes). */
export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('receive webhooks, process them and serve the admin and directory read API');
  addConfigFlags(command, 'serve');
  command.addHelpText(
    'after',
    '\nWith no secret in development, a secret and an admin token are generated into the data folder\nand printed with a ready-to-paste `trigger` line. With NODE_ENV=production both are required,\nand so is HTTPS (--tls-cert/--tls-key, or --trust-proxy behind a TLS proxy).',
  );
  command.action(async () => {
    const config = resolveServeConfig({
      flags: typedFlags(command),
      env: process.env,
      cwd: process.cwd(),
    });
    await runUntilSignal(config, 'serve');
  });
}

/** `workos-inbox work`: process events only (no HTTP); scale workers apart from receivers. */
export function registerWork(program: Command): void {
  const command = program
    .command('work')
    .description('process queued events only (no HTTP): run next to `serve --no-worker` receivers');
  addConfigFlags(command, 'work');
  // work binds no webhook port: a --port is the metrics port (Commander would suggest --host).
  suggestMeantOptions(command, { '--port': '--metrics-port' });
  command.action(async () => {
    const config = resolveServeConfig({
      flags: typedFlags(command),
      env: process.env,
      cwd: process.cwd(),
      mode: 'work',
    });
    await runUntilSignal(config, 'work');
  });
}

async function runUntilSignal(config: ServeConfig, mode: 'serve' | 'work'): Promise<void> {
  // Loaded on use, so other commands start without the server, the drivers and the mirror.
  const { createLogger, wantsPrettyLogs } = await import('../server/logger.js');
  const { clusterWorkerEnv, runClusterPrimary } = await import('../server/cluster-primary.js');
  const { runServe } = await import('../server/run-server.js');
  const logger = createLogger({
    level: config.logLevel,
    pretty: wantsPrettyLogs(config.production),
  });
  const printBanner = (lines: string[]) => process.stderr.write(`\n${lines.join('\n')}\n\n`);
  if (!process.env[clusterWorkerEnv]) {
    await warnOfForwardingMistakes(config, mode, logger);
  }
  if (config.processes > 1 && cluster.isPrimary && !process.env[clusterWorkerEnv]) {
    const code = await runClusterPrimary(config, { mode, logger, printBanner });
    exitAfterFlush(logger, code);
    return;
  }
  // Listening for the signals before starting: serve binds its port before its worker thread
  // is up, so a SIGTERM can come (a deploy, a test that saw /healthz answer) while it starts. The
  // default action would kill it without draining what it already accepted; it is taken once
  // started. A second signal while it is still starting (a start stuck on a database) exits.
  let started = false;
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    // `on`, not `once`: a second signal (Ctrl-C reaches every process of a cluster, then the
    // primary sends SIGTERM) must not fall through to the default, which kills without draining.
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        if (!started) {
          logger.warn({ signal }, 'stopped again while starting: exiting now');
          exitAfterFlush(logger, 1);
          return;
        }
        logger.info({ signal }, 'already stopping');
        return;
      }
      received = true;
      if (!started) logger.info({ signal }, 'stopping once started (again to exit now)');
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const running = await runServe(config, {
    mode,
    logger,
    printBanner,
    prettyLogs: wantsPrettyLogs(config.production),
  });
  started = true;
  const signal = await signalled;
  logger.info({ signal }, 'stopping: draining requests and handlers, releasing leases');
  // A drain that never ends (a hung handler) must not keep a deploy waiting forever.
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'drain did not finish in time; exiting');
    exitAfterFlush(logger, 1);
  }, config.shutdownTimeoutMs + 5_000);
  deadline.unref();
  await running.close();
  logger.info('stopped cleanly');
  exitAfterFlush(logger, 0);
}

function exitAfterFlush(logger: Logger, code: number): void {
  logger.flush(() => process.exit(code));
}

/**
 * Once per command (not per process of a cluster, nor again in serve's worker thread), what
 * --forward-to would otherwise get wrong without a word: an `events=` pattern that no known event
 * name matches (a typo that forwards nothing to its destination); and, in development with no
 * webhook secret, destinations without a `secret=` of their own, whose deliveries are signed with
 * the generated development secret (an existing endpoint verifies with its own and answers 401 to
 * each, for a day of retries, while each failed attempt only warns about that one destination).
 */
async function warnOfForwardingMistakes(
  config: ServeConfig,
  mode: 'serve' | 'work',
  logger: Logger,
): Promise<void> {
  if (config.forward.spec === undefined) return;
  const { parseDestinations } = await import('../forward/parse-destinations.js');
  const { unmatchedEventPatterns } = await import('../forward/destination.js');
  // Validated by resolveServeConfig already; read here for names, patterns and secrets. Not a
  // secret anyone could give: it marks the destinations that take the default.
  const unset = '\0webhook secret';
  const destinations = parseDestinations(config.forward.spec, {
    ...forwardDefaults(config),
    secret: unset,
  });
  for (const { destination, pattern, message } of unmatchedEventPatterns(destinations)) {
    logger.warn({ destination, pattern }, message);
  }
  if (config.production || config.secrets.length > 0) return;
  const devSigned = destinations.filter((d) => d.secret === unset).map((d) => d.name);
  if (devSigned.length === 0) return;
  const { devSecretFile } = await import('../server/dev-credentials.js');
  // `work` takes the secret from the environment only: it has no --secret flag.
  const secretFlag = mode === 'serve' ? ' (or --secret)' : '';
  logger.warn(
    { destinations: devSigned },
    `forwarding: no webhook secret is set, so deliveries to ${devSigned.join(', ')} are signed ` +
      `with the generated development secret (${join(config.dataDir, devSecretFile)}); an endpoint ` +
      `that verifies with its own secret answers 401 to every one. Sign with the destination's ` +
      `secret instead: WORKOS_WEBHOOK_SECRET=…${secretFlag}, or per destination ` +
      `--forward-to '<url>;secret=env:VAR' (see docs/forward.md)`,
  );
}
