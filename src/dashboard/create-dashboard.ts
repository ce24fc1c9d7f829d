import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { clientAddress, isSecureRequest } from '../server/client-address.js';
import { FilterError } from '../server/event-filter.js';
import { BodyTooLargeError, readSmallBody } from '../server/read-small-body.js';
import { sendError } from '../server/send.js';
import type { Store } from '../store/types.js';
import { sendAsset } from './assets.js';
import { createDevSignInCodes } from './dev-sign-in.js';
import type { DevSignInCodes } from './dev-sign-in.js';
import { cookie, readCookies, redirect, securityHeaders, sendHtml } from './http-helpers.js';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import { dashboardBase, page } from './layout.js';
import { createMetricsHistory } from './metrics-history.js';
import type { MetricsHistory } from './metrics-history.js';
import { dashboardPages, methodsAt } from './dashboard-pages.js';
import type { PageContext } from './dashboard-pages.js';
import { createSessionManager, sameSecret } from './session.js';
import type { Session } from './session.js';
import { createSignInLimiter } from './sign-in-limiter.js';
import { signInPage } from './pages/sign-in-page.js';

/**
 * 405 with the methods the path takes in `Allow`, as a page (browsers land here from a bookmark
 * or a reloaded form target). `csrf` when signed in, for the nav.
 */
function methodNotAllowed(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: readonly string[],
  csrf?: string,
): void {
  req.resume();
  const formOnly = allowed.length === 1 && allowed[0] === 'POST';
  const body = html`<p>
      This address does not answer ${req.method ?? ''}; it takes ${allowed.join(', ')}.
    </p>
    ${formOnly ? html`<p>It is where a button's form is sent: go back to the page with the button.</p>` : ''}
    <p><a href="${dashboardBase}/">Overview</a></p>`;
  sendHtml(res, 405, page({ title: 'Method not allowed', ...(csrf ? { csrf } : {}), body }), {
    allow: allowed.join(', '),
  });
}

/**
 * A refusal as a page a person can act on (browsers show it; JSON would be shown raw): what went
 * wrong, the way back, and the error code the docs name. `csrf` when signed in, for the nav.
 */
function refusalPage(
  res: ServerResponse,
  status: number,
  refusal: { title: string; message: string; code: string; back: SafeHtml; csrf?: string },
): void {
  const body = html`<p class="error" role="alert">${refusal.message}</p>
    <p>${refusal.back}</p>
    <p class="muted">Error code: <code>${refusal.code}</code></p>`;
  sendHtml(
    res,
    status,
    page({ title: refusal.title, body, ...(refusal.csrf ? { csrf: refusal.csrf } : {}) }),
  );
}

/** The page a form posted to `sub` was on: where to reload it from after a refusal. */
function formPage(sub: string): string {
  if (sub.endsWith('/replay')) return `${dashboardBase}${sub.slice(0, -'/replay'.length)}`;
  if (sub.startsWith('/dead/')) return `${dashboardBase}/dead`;
  return `${dashboardBase}/`;
}

export const sessionCookie = 'wi_session';
/** The sign-in form's own CSRF token (double submit: cookie and hidden field must match). */
export const signInCookie = 'wi_signin';
/**
 * What an action did (`Queued 3 events again.`), signed for the session, for the one page it
 * redirects to: the page shows it once and clears it, and a URL cannot make one up.
 */
export const noticeCookie = 'wi_notice';
/** A notice not shown within this long (the redirect was not followed) is dropped. */
const noticeMaxAgeSeconds = 60;

export interface DashboardOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The admin token: what the sign-in form accepts, and the root of the session key. */
  adminToken: string;
  trustProxy: boolean;
  /** The inbox's registry (ingest counters, pull and reconcile metrics) for the overview. */
  metrics: Registry;
  /** Whether this serve pulls (shows the pull section's figures). */
  pull: boolean;
  /** `--reconcile-every`: how often this serve reconciles; undefined when it does not. */
  reconcileEveryMs?: number | undefined;
  /** Development only: one-time sign-in links. */
  devSignIn: boolean;
}

export interface Dashboard {
  /** Answer a request under `/dashboard` (the caller routes those here). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Development: a path with a fresh one-time code that signs in once (never logged). */
  devSignInPath(): string | undefined;
  /** Stop the metrics sampler and end open live streams (before the HTTP server closes). */
  close(): void;
}

/**
 * The web dashboard: server-rendered pages behind a session cookie obtained with the admin
 * token. Every state-changing request needs the session's CSRF token; sign-in is rate limited.
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const sessions = createSessionManager(options.adminToken, options.clock);
  const limiter = createSignInLimiter(options.clock);
  const devCodes: DevSignInCodes | undefined = options.devSignIn
    ? createDevSignInCodes(options.clock)
    : undefined;
  const history: MetricsHistory = createMetricsHistory(options.metrics, options.clock, {
    pull: options.pull,
    reconcile: options.reconcileEveryMs !== undefined,
  });
  const pages = dashboardPages({
    store: options.store,
    clock: options.clock,
    history,
    logger: options.logger,
    reconcileEveryMs: options.reconcileEveryMs,
  });

  const startSession = (req: IncomingMessage, res: ServerResponse) => {
    const { cookie: value, session } = sessions.create();
    redirect(res, `${dashboardBase}/`, {
      'set-cookie': [
        cookie(sessionCookie, value, {
          maxAgeSeconds: (session.expiresAt - options.clock.now()) / 1000,
          secure: isSecureRequest(req, options.trustProxy),
        }),
        cookie(signInCookie, '', {
          maxAgeSeconds: 0,
          secure: isSecureRequest(req, options.trustProxy),
        }),
      ],
    });
  };

  const showSignIn = (
    req: IncomingMessage,
    res: ServerResponse,
    error: string | undefined,
    status = 200,
  ) => {
    const token = randomBytes(18).toString('base64url');
    sendHtml(res, status, signInPage(token, error), {
      'set-cookie': cookie(signInCookie, token, {
        maxAgeSeconds: 3600,
        secure: isSecureRequest(req, options.trustProxy),
      }),
    });
  };

  const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
    return new URLSearchParams(await readSmallBody(req, 256 * 1024));
  };

  const signIn = async (req: IncomingMessage, res: ServerResponse) => {
    const address = clientAddress(req, options.trustProxy);
    const waitMs = limiter.retryAfterMs(address);
    if (waitMs > 0) {
      req.resume();
      return sendHtml(res, 429, signInPage('', 'limited'), {
        'retry-after': String(Math.ceil(waitMs / 1000)),
      });
    }
    const form = await readForm(req);
    const expected = readCookies(req).get(signInCookie);
    const given = form.get('csrf');
    if (!expected || !given || !sameSecret(expected, given)) {
      return showSignIn(req, res, 'csrf', 403);
    }
    const token = form.get('token') ?? '';
    if (!sameSecret(token, options.adminToken)) {
      limiter.recordFailure(address);
      options.logger.warn({ address, reason: 'wrong_token' }, 'dashboard sign-in refused');
      return showSignIn(req, res, 'token', 401);
    }
    options.logger.info({ address }, 'dashboard sign-in');
    return startSession(req, res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const sub = path.slice(dashboardBase.length) || '/';

    if (sub.startsWith('/assets/')) {
      if (method === 'GET' && (await sendAsset(res, sub.slice('/assets/'.length)))) return;
      return sendError(res, 404, 'not_found', 'Not Found', {}, securityHeaders);
    }
    if (sub === '/signin') {
      if (method === 'POST') return signIn(req, res);
      if (method !== 'GET' && method !== 'HEAD') {
        return methodNotAllowed(req, res, ['GET', 'HEAD', 'POST']);
      }
      const error = url.searchParams.get('error') ?? undefined;
      return showSignIn(req, res, error);
    }
    if (sub === '/signin/dev') {
      // Consumed here, then redirected: the code is neither reusable nor left in the history.
      if (method === 'GET' && devCodes?.consume(url.searchParams.get('code'))) {
        options.logger.info(
          { address: clientAddress(req, options.trustProxy) },
          'dashboard sign-in with a development link',
        );
        return startSession(req, res);
      }
      return redirect(res, `${dashboardBase}/signin?error=link`);
    }

    const session: Session | undefined = sessions.verify(readCookies(req).get(sessionCookie));
    const expired = readCookies(req).has(sessionCookie) && !session;
    if (!session) {
      req.resume();
      if (method === 'GET' && !sub.endsWith('/stream')) {
        return redirect(res, `${dashboardBase}/signin${expired ? '?error=expired' : ''}`);
      }
      return refusalPage(res, 401, {
        title: 'Signed out',
        message: expired
          ? 'Your session ended (signed out, or expired), so this was not done.'
          : 'Sign in to the dashboard first; this was not done.',
        code: 'unauthorized',
        back: html`<a href="${dashboardBase}/signin">Sign in again</a>, then try once more.`,
      });
    }
    const csrf = sessions.csrfToken(session);
    // Sign-out is answered here (it ends the session); every other path is in dashboardRoutes.
    const allowed = sub === '/signout' ? ['POST'] : methodsAt(sub);
    if (allowed.length === 0) {
      req.resume();
      return sendHtml(res, 404, page({ title: 'Not found', csrf, body: pages.notFound() }));
    }
    if (!allowed.includes(method)) return methodNotAllowed(req, res, allowed, csrf);
    let form: URLSearchParams | undefined;
    if (method === 'POST') {
      form = await readForm(req);
      if (!sessions.checkCsrf(session, form.get('csrf') ?? undefined)) {
        options.logger.warn({ path, reason: 'csrf' }, 'dashboard request refused');
        return refusalPage(res, 403, {
          title: 'Form expired',
          message:
            'This form is from an earlier sign-in (you signed in again, or out, in another tab), so nothing was changed.',
          code: 'csrf_invalid',
          back: html`<a href="${formPage(sub)}">Reload the page</a> and use its form again.`,
          csrf,
        });
      }
    }
    if (sub === '/signout') {
      sessions.revoke(session);
      return redirect(res, `${dashboardBase}/signin`, {
        'set-cookie': cookie(sessionCookie, '', {
          maxAgeSeconds: 0,
          secure: isSecureRequest(req, options.trustProxy),
        }),
      });
    }
    const secure = isSecureRequest(req, options.trustProxy);
    // The notice is `<path below /dashboard>\n<text>`: only the page it was left for shows it.
    const left = sessions.unsign(session, readCookies(req).get(noticeCookie));
    const [noticePath, ...noticeText] = (left ?? '').split('\n');
    // Its path includes the query string: `/event?id=..` is one event's page.
    const forThisPage = left !== undefined && method === 'GET' && noticePath === sub + url.search;
    const notices: PageContext['notices'] = {
      shown: forThisPage ? noticeText.join('\n') : undefined,
      clear: forThisPage ? cookie(noticeCookie, '', { maxAgeSeconds: 0, secure }) : undefined,
      leave: (location, text) =>
        cookie(
          noticeCookie,
          sessions.sign(session, `${location.slice(dashboardBase.length)}\n${text}`),
          {
            maxAgeSeconds: noticeMaxAgeSeconds,
            secure,
          },
        ),
    };
    const context: PageContext = { req, res, url, sub, method, form, csrf, notices };
    if (await pages.handle(context)) return;
    sendHtml(res, 404, page({ title: 'Not found', csrf, body: pages.notFound() }));
  };

  return {
    async handle(req, res, url) {
      try {
        await handle(req, res, url);
      } catch (error) {
        // What a person typed or posted: a page saying what was wrong, not JSON.
        if (error instanceof FilterError) {
          return refusalPage(res, 400, {
            title: 'Not understood',
            message: error.message,
            code: 'invalid_request',
            back: html`<a href="${url.pathname}">Open the page without it</a>`,
          });
        }
        if (error instanceof BodyTooLargeError) {
          return refusalPage(res, 413, {
            title: 'Too large',
            message: error.message,
            code: 'body_too_large',
            back: html`<a href="${dashboardBase}/">Overview</a>`,
          });
        }
        throw error;
      }
    },
    devSignInPath: () =>
      devCodes ? `${dashboardBase}/signin/dev?code=${devCodes.issue()}` : undefined,
    close: () => {
      history.stop();
      pages.endStreams();
    },
  };
}
