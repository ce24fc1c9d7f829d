import { pino } from 'pino';
import { systemClock } from '../../src/clock.js';
import { startHttpServer } from '../../src/server/http-server.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import { createRequestHandler } from '../../src/server/request-handler.js';

type RouteDeps = Parameters<typeof createRequestHandler>[0];

/**
 * `serve`'s own request handler (its route table, admin-token check and error bodies) on a free
 * loopback port, in development mode with a silent logger. Pass the store and the admin token;
 * anything else overrides the defaults (webhooks on /hooks, no mirror, no metrics).
 */
export function startServeRoutes(
  deps: Pick<RouteDeps, 'store' | 'adminToken'> & Partial<RouteDeps>,
  limits: { maxHeaderBytes?: number; requestTimeoutMs?: number } = {},
): Promise<RunningHttpServer> {
  return startHttpServer(
    {
      port: 0,
      host: '127.0.0.1',
      maxHeaderBytes: limits.maxHeaderBytes ?? 16 * 1024,
      requestTimeoutMs: limits.requestTimeoutMs ?? 30_000,
    },
    createRequestHandler({
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      webhookPath: '/hooks',
      production: false,
      trustProxy: false,
      allowIps: [],
      metrics: [],
      ...deps,
    }),
  );
}
