// What an operator sees on the signed-in pages for the inputs and states QA found wrong: through
// serve's request handler over real HTTP, on SQLite, with a clock the test moves.
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardToken, serveDashboard } from './serve-dashboard.js';

describe('dashboard pages (request handler, SQLite)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('refuses a since too far back for any date with the page other bad values get, stream too', async () => {
    const { url, signedIn } = await serveDashboard(cleanups);
    const { cookie } = await signedIn();
    for (const path of [
      '/dashboard/events?since=999999999d',
      '/dashboard/events/stream?since=999999999d',
    ]) {
      const res = await fetch(url(path), { headers: { cookie } });
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expect(await res.text(), path).toContain('stays within the dates there are');
    }
    // The admin API reads the same filter: a 400 naming the field, not a 500.
    const api = await fetch(url('/inbox/events?since=999999999d'), {
      headers: { authorization: `Bearer ${dashboardToken}` },
    });
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({ code: 'invalid_request', field: 'since' });
  });
});
