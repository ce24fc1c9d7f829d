import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Dashboard } from '../dashboard/create-dashboard.js';
import { dashboardBase } from '../dashboard/layout.js';
import { isDashboardPath, isReadApiPath } from './mirror-routes.js';
import { eventsApiPath } from '../events-api/handle-events-request.js';
import type { Store } from '../store/types.js';
import { StoreUnavailableError } from '../store/types.js';
import { defaults } from '../defaults.js';
import { handleAdminRequest } from './admin-api.js';
import { hasAdminToken } from './admin-auth.js';
import { clientAddress, isSecureRequest } from './client-address.js';
import type { MetricsSource } from './cluster-metrics.js';
import { handleReady } from './health.js';
import { sendError, sendJson, sendText } from './send.js';

/** A read request for the directory mirror's WorkOS-compatible API. */
export interface MirrorRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
}
export interface MirrorResponse {
  status: number;
  body: unknown;
}
/** Answers a mirror read, or `undefined` when the path is not one of the mirror's. */
export type MirrorHandler = (request: MirrorRequest) => Promise<MirrorResponse | undefined>;

export interface RequestHandlerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  webhookPath: string;
  /** The inbox's node:http handler: verify, commit, answer. None for `work --metrics-port`. */
  webhook?: ((req: IncomingMessage, res: ServerResponse) => unknown) | undefined;
  /** Guards /inbox and the mirror; without one they are not served. */
  adminToken?: string | undefined;
  production: boolean;
  trustProxy: boolean;
  /** Senders allowed on the webhook path; empty allows all. */
  allowIps: readonly string[];
  /** Registries (or the cluster aggregate) whose metrics GET /metrics serves, in order. */
  metrics: readonly MetricsSource[];
  mirror?: MirrorHandler | undefined;
  /** The web dashboard at `/dashboard` (`/` redirects there); none with `--no-dashboard`. */
  dashboard?: Dashboard | undefined;
}

/** Paths that stay reachable over plain HTTP in production: probes and scrapers inside the network. */
const plainHttpPaths = new Set(['/healthz', '/readyz', '/metrics']);

/** The `serve` process's routes. Security checks come first, in the order the guide gives them. */
export function createRequestHandler(
  deps: RequestHandlerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const allowed = new Set(deps.allowIps);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    // Bodies nobody reads (probes, 404s) are discarded by node:http once the answer is sent; the
    // admin API reads its own (redrive's JSON), so nothing is consumed up front.

    if (deps.production && !plainHttpPaths.has(path) && !isSecureRequest(req, deps.trustProxy)) {
      req.resume();
      return sendError(res, 403, 'https_required', 'HTTPS required');
    }

    const route = async (): Promise<void> => {
      if (deps.webhook && path === deps.webhookPath) {
        if (allowed.size > 0) {
          const address = clientAddress(req, deps.trustProxy);
          if (!allowed.has(address)) {
            deps.logger.warn({ address, reason: 'ip_not_allowed' }, 'webhook rejected');
            req.resume();
            return sendError(
              res,
              403,
              'ip_not_allowed',
              'Forbidden: this address may not send webhooks',
            );
          }
        }
        await deps.webhook(req, res);
        return;
      }
      if (path === '/healthz') {
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
        return sendJson(res, 200, { status: 'ok' });
      }
      if (path === '/readyz') {
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
        return handleReady(res, deps.store);
      }
      if (path === '/metrics') {
        // HEAD too, as every probe here: node:http sends the headers and drops the body.
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
        const texts = await Promise.all(deps.metrics.map((r) => r.metrics()));
        return sendText(res, 200, texts.join('\n'), {
          'content-type': deps.metrics[0]?.contentType ?? 'text/plain; version=0.0.4',
        });
      }
      if (deps.dashboard && isDashboardPath(path)) {
        if (path === '/' || path === dashboardBase) {
          req.resume();
          res.writeHead(303, { location: `${dashboardBase}/` });
          res.end();
          return;
        }
        return deps.dashboard.handle(req, res, url);
      }
      const isAdmin = path === '/inbox' || path.startsWith('/inbox/');
      if (deps.adminToken !== undefined && (isAdmin || (deps.mirror && isReadApiPath(path)))) {
        if (!hasAdminToken(req, deps.adminToken)) {
          return sendError(
            res,
            401,
            'unauthorized',
            'Unauthorized: send Authorization: Bearer <admin token>',
            {},
            { 'www-authenticate': 'Bearer' },
          );
        }
        if (isAdmin) return handleAdminRequest(req, res, url, deps.store, deps.clock);
        const answer = await deps.mirror?.({ method, path, query: queryRecord(url) });
        if (answer) {
          // A 405 names what the route takes, as every other route's does.
          const allow = path === eventsApiPath ? 'GET' : 'GET, HEAD';
          return sendJson(res, answer.status, answer.body, answer.status === 405 ? { allow } : {});
        }
      }
      return sendError(res, 404, 'not_found', 'Not Found');
    };

    route().catch((error: unknown) => {
      // The database down or not answering is not a bug of this route: 503 and when to retry,
      // as the webhook route answers then, with one line (no stack) in the log.
      if (error instanceof StoreUnavailableError) {
        deps.logger.warn(
          { path, method, reason: error.message },
          'request failed: database unavailable',
        );
        if (!res.headersSent) {
          sendError(
            res,
            503,
            'store_unavailable',
            `The database is unavailable: ${error.message}`,
            {},
            { 'retry-after': String(defaults.retryAfterSeconds.value) },
          );
        } else {
          res.destroy();
        }
        return;
      }
      deps.logger.error({ err: error, path, method }, 'request failed');
      if (!res.headersSent) {
        sendError(res, 500, 'internal_error', 'Internal Server Error');
      } else {
        res.destroy();
      }
    });
  };
}

function queryRecord(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendError(res, 405, 'method_not_allowed', 'Method Not Allowed', {}, { allow });
}
