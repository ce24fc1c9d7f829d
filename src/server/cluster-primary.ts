import { defaults } from '../defaults.js';
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { warnOfUnforwardedDestinations } from '../forward/create-forwarder.js';
import { createInbox, warnOfUnknownEventName } from '../inbox/create-inbox.js';
import { answerClusterMetricsRequests } from './cluster-metrics.js';
import { loadHandlers } from './load-handlers.js';
import type { ServeConfig } from './config.js';
import { shownUrl } from './http-server.js';
import { developmentBanner, prepareCredentials } from './prepare-credentials.js';

/** Set in the environment of the processes the primary forks. */
export const clusterWorkerEnv = 'WORKOS_INBOX_CLUSTER_WORKER';

/**
 * `--processes N`: the primary prepares what must happen once (development credentials,
 * migrations), forks N processes that share the listening socket (node:cluster), restarts any
 * that die, and on SIGTERM/SIGINT asks each to drain, then exits 0 once all have.
 */
export async function runClusterPrimary(
  config: ServeConfig,
  options: { mode: 'serve' | 'work'; logger: Logger; printBanner: (lines: string[]) => void },
): Promise<number> {
  const { logger } = options;
  // A bad handlers module fails here, once, with its message, before anything is forked.
  // Its start warnings (a name WorkOS does not send) are said here, once; the processes skip them.
  if (config.handlers) {
    const handlers = await loadHandlers(config.handlers);
    for (const name of handlers.byName.keys()) warnOfUnknownEventName(logger, '--handlers', name);
  }
  const credentials = options.mode === 'serve' ? prepareCredentials(config) : undefined;
  // Migrate once here, so N processes do not race to apply the same migrations.
  const migrator = await createInbox({
    database: config.database,
    secret: credentials?.secrets ?? ['unused-by-the-primary'],
    poolSize: 2,
    ...(config.schema !== undefined ? { schema: config.schema } : {}),
    logger,
  });
  // Start warnings are said here, once, not by each of the N processes (which skip them).
  try {
    if ((options.mode === 'work' || config.worker) && config.forward.spec === undefined) {
      await warnOfUnforwardedDestinations(migrator.store, logger);
    }
  } finally {
    await migrator.close();
  }

  const env: Record<string, string> = { [clusterWorkerEnv]: '1' };
  if (credentials) {
    env[defaults.secret.env] = credentials.secrets.join(',');
    env[defaults.adminToken.env] = credentials.adminToken;
  }
  let stopping = false;
  let exitCode = 0;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const workers = new Set<Worker>();
  const stop = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    logger.info({ reason }, 'stopping: draining every process');
    if (workers.size === 0) resolveExit(exitCode);
    for (const worker of workers) worker.process.kill('SIGTERM');
  };
  const fork = () => {
    const forkedAt = Date.now();
    const worker = cluster.fork(env);
    workers.add(worker);
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) {
        if (code !== 0 && exitCode === 0) exitCode = 1;
        if (workers.size === 0) resolveExit(exitCode);
        return;
      }
      const pid = worker.process.pid;
      // Dying right after start is a configuration problem (port, database, handlers): starting
      // another would fail the same way, every second, forever. Stop with its exit code instead.
      if (Date.now() - forkedAt < 10_000) {
        logger.error(
          { workerPid: pid, code, signal },
          'a process failed at start; stopping the cluster',
        );
        stop('a process failed at start', code !== null && code > 0 ? code : 1);
        return;
      }
      logger.error({ workerPid: pid, code, signal }, 'a process died; starting another');
      setTimeout(fork, 1000).unref();
    });
  };
  if (credentials) {
    // Printed once the first process listens, with the address and port it listens on: with
    // `--port 0` the cluster picks one, and the lines to paste must name it (config.port is 0).
    cluster.once('listening', (_worker, address) => {
      const url = shownUrl(config.host, address.port, Boolean(config.tls));
      // The dashboard's one-time links live in the memory of the process that issues them, and
      // the link's request may reach another: with the development token, say how to sign in.
      const signIn =
        options.mode === 'serve' && config.dashboard && credentials.fromDataDir.adminToken
          ? 'admin token'
          : undefined;
      const lines = developmentBanner(config, credentials, url, signIn);
      if (lines.length > 0) options.printBanner(lines);
    });
  }
  answerClusterMetricsRequests();
  for (let i = 0; i < config.processes; i++) fork();

  logger.info({ processes: config.processes }, 'cluster primary started');

  // `on`, not `once`: Ctrl-C in a terminal signals every process of the group, then the primary
  // sends SIGTERM; a second signal must not fall through to the default (kill, no drain).
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return exited;
}
