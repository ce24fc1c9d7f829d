import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createDashboard } from '../../src/dashboard/create-dashboard.js';
import type { Dashboard } from '../../src/dashboard/create-dashboard.js';
import { mirrorMigrations } from '../../src/mirror/mirror-migrations.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { startServeRoutes } from '../helpers/serve-routes.js';
import { createBackend } from '../inbox/helpers/backends.js';
import type { BackendKind } from '../inbox/helpers/backends.js';
import { manualClock } from '../inbox/helpers/events.js';

export const dashboardToken = 'dashboard-security-token-0123456789';

/**
 * `serve`'s request handler with the dashboard, on SQLite (or `backend`), with a clock the test
 * moves. Every resource it opens is closed by `cleanups` (run them in reverse order).
 */
export async function serveDashboard(
  cleanups: Array<() => Promise<void> | void>,
  options: {
    dashboard?: boolean;
    trustProxy?: boolean;
    reconcileEveryMs?: number;
    /** Whether the dashboard shows pulling (`--pull`). */
    pull?: boolean;
    /** The registry the overview reads (a new, empty one unless told). */
    metrics?: Registry;
    /** The store's backend (SQLite unless told). */
    backend?: BackendKind;
    /** Give the store the mirror's tables too (the directory pages read them). */
    mirror?: boolean;
  } = {},
) {
  const token = dashboardToken;
  const database = await createBackend(options.backend ?? 'sqlite', 'wi_dashboard');
  cleanups.push(database.cleanup);
  const store: Store = await openStore({
    database: database.database,
    ...(options.mirror && { migrationSets: [mirrorMigrations] }),
  });
  cleanups.push(() => store.close());
  await store.migrate();
  const clock = manualClock();
  let dashboard: Dashboard | undefined;
  if (options.dashboard !== false) {
    dashboard = createDashboard({
      store,
      clock,
      logger: pino({ level: 'silent' }),
      adminToken: token,
      trustProxy: options.trustProxy ?? false,
      metrics: options.metrics ?? new Registry(),
      pull: options.pull ?? false,
      reconcileEveryMs: options.reconcileEveryMs,
      devSignIn: true,
    });
    const d = dashboard;
    cleanups.push(() => d.close());
  }
  const http = await startServeRoutes({
    store,
    clock,
    adminToken: token,
    dashboard,
    trustProxy: options.trustProxy ?? false,
  });
  cleanups.push(() => http.close(1000));
  const url = (path: string) => `${http.url}${path}`;

  /** The sign-in form's token and cookie, then a POST of `adminToken` with them. */
  const signIn = async (given: string, headers: Record<string, string> = {}) => {
    const form = await fetch(url('/dashboard/signin'), { headers });
    const html = await form.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return fetch(url('/dashboard/signin'), {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ csrf, token: given }).toString(),
      redirect: 'manual',
    });
  };
  const sessionOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith('wi_session='))
      ?.split(';')[0] ?? '';
  /** A signed-in session's cookie and the CSRF token its forms carry. */
  const signedIn = async () => {
    const cookie = sessionOf(await signIn(token));
    const page = await (await fetch(url('/dashboard/'), { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    return { cookie, csrf };
  };
  return { store, clock, dashboard, url, signIn, sessionOf, signedIn };
}
