import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { createInbox } from '../inbox/create-inbox.js';
import { answerClusterMetricsRequests } from './cluster-metrics.js';
import type { ServeConfig } from './config.js';
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
  const credentials = options.mode === 'serve' ? prepareCredentials(config) : undefined;
  // Migrate once here, so N processes do not race to apply the same migrations.
  const migrator = await createInbox({
    database: config.database,
    secret: credentials?.secrets ?? ['unused-by-the-primary'],
    poolSize: 2,
    logger,
  });
  await migrator.close();

  const env: Record<string, string> = { [clusterWorkerEnv]: '1' };
  if (credentials) {
    env.WORKOS_WEBHOOK_SECRET = credentials.secrets.join(',');
    env.WORKOS_INBOX_ADMIN_TOKEN = credentials.adminToken;
  }
  let stopping = false;
  const workers = new Set<Worker>();
  const fork = () => {
    const worker = cluster.fork(env);
    workers.add(worker);
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) return;
      logger.error({ pid: worker.process.pid, code, signal }, 'a process died; starting another');
      setTimeout(fork, 1000).unref();
    });
  };
  answerClusterMetricsRequests();
  for (let i = 0; i < config.processes; i++) fork();

  if (credentials) {
    const scheme = config.tls ? 'https' : 'http';
    const lines = developmentBanner(config, credentials, `${scheme}://127.0.0.1:${config.port}`);
    if (lines.length > 0) options.printBanner(lines);
  }
  logger.info({ processes: config.processes }, 'cluster primary started');

  return new Promise<number>((resolve) => {
    let failed = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: draining every process');
      if (workers.size === 0) resolve(0);
      for (const worker of workers) {
        worker.on('exit', (code) => {
          if (code !== 0) failed = true;
          if (workers.size === 0) resolve(failed ? 1 : 0);
        });
        worker.process.kill('SIGTERM');
      }
    };
    // `on`, not `once`: Ctrl-C in a terminal signals every process of the group, then the primary
    // sends SIGTERM; a second signal must not fall through to the default (kill, no drain).
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
