import { afterEach, describe, expect, it } from 'vitest';
import { signInAttemptsPerWindow, signInWindowMs } from '../../src/dashboard/sign-in-limiter.js';
import { sessionTtlMs } from '../../src/dashboard/session.js';
import { dashboardToken as token, serveDashboard as setup } from './serve-dashboard.js';

describe('dashboard security (request handler, SQLite)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('is not served at all with --no-dashboard', async () => {
    const { url } = await setup(cleanups, { dashboard: false });
    expect((await fetch(url('/'), { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(url('/dashboard/signin'))).status).toBe(404);
  });

  it('sets a strict CSP and a session cookie that is HttpOnly, SameSite=Strict and expires', async () => {
    const { url, signIn, sessionOf, clock } = await setup(cleanups);
    const form = await fetch(url('/dashboard/signin'));
    expect(form.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(form.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(form.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const res = await signIn(token);
    expect(res.status).toBe(303);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('wi_session=')) ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(new RegExp(`Max-Age=${sessionTtlMs / 1000}`));
    expect(setCookie).not.toMatch(/Secure/); // plain HTTP here
    const page = await fetch(url('/dashboard/events'), { headers: { cookie: sessionOf(res) } });
    expect(page.status).toBe(200);
    // Expired: back to the sign-in form.
    clock.advance(sessionTtlMs + 1);
    const late = await fetch(url('/dashboard/events'), {
      headers: { cookie: sessionOf(res) },
      redirect: 'manual',
    });
    expect(late.status).toBe(303);
    expect(late.headers.get('location')).toBe('/dashboard/signin?error=expired');
  });

  it('marks the cookie Secure when the request came over HTTPS (behind a trusted proxy)', async () => {
    const { signIn } = await setup(cleanups, { trustProxy: true });
    const res = await signIn(token, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('wi_session='))).toMatch(/; Secure/);
  });

  it('slows brute force: after the allowed failures even the right token waits for the window', async () => {
    const { signIn, clock } = await setup(cleanups);
    for (let i = 0; i < signInAttemptsPerWindow; i++) {
      expect((await signIn(`wrong-${i}`)).status).toBe(401);
    }
    const limited = await signIn(token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.getSetCookie().some((c) => c.startsWith('wi_session='))).toBe(false);
    clock.advance(signInWindowMs);
    expect((await signIn(token)).status).toBe(303);
  });

  it('the development link signs in once, redirects away, and then no longer works', async () => {
    const { url, dashboard, sessionOf } = await setup(cleanups);
    const path = dashboard?.devSignInPath() ?? '';
    expect(path).toMatch(/^\/dashboard\/signin\/dev\?code=/);
    expect(path).not.toContain(token);
    const first = await fetch(url(path), { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/dashboard/');
    expect(
      (await fetch(url('/dashboard/'), { headers: { cookie: sessionOf(first) } })).status,
    ).toBe(200);
    const again = await fetch(url(path), { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/dashboard/signin?error=link');
    expect(sessionOf(again)).toBe('');
  });

  it('sign-out revokes the session; a forged or tampered cookie is refused', async () => {
    const { url, signIn, sessionOf } = await setup(cleanups);
    const session = sessionOf(await signIn(token));
    // A later expiry with the old signature.
    const tampered = session.replace(/=(\d+)\./, (_, exp: string) => `=${Number(exp) + 60_000}.`);
    expect(tampered).not.toBe(session);
    const refused = await fetch(url('/dashboard/events'), {
      headers: { cookie: tampered },
      redirect: 'manual',
    });
    expect(refused.status).toBe(303);
    const html = await (await fetch(url('/dashboard/'), { headers: { cookie: session } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const out = await fetch(url('/dashboard/signout'), {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf)}`,
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    const after = await fetch(url('/dashboard/events/stream'), { headers: { cookie: session } });
    expect(after.status).toBe(401);
  });

  it('ends open live streams on close, so shutting down does not wait for the browsers', async () => {
    const { url, signIn, sessionOf, dashboard } = await setup(cleanups);
    const cookie = sessionOf(await signIn(token));
    const res = await fetch(url('/dashboard/events/stream'), { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain(': connected');
    dashboard?.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });

  it('escapes what events carry: a handler error with markup is shown as text', async () => {
    const { store, clock, url, signIn, sessionOf } = await setup(cleanups);
    const now = new Date(clock.now());
    await store.append({
      id: 'event_xss',
      event: 'dsync.user.created',
      createdAt: now.toISOString(),
      rawBody: Buffer.from(
        '{"id":"event_xss","event":"dsync.user.created","data":{"email":"<img src=x onerror=alert(1)>"}}',
      ),
      source: 'webhook',
      receivedAt: now,
    });
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now });
    await store.fail('event_xss', 'w', {
      error: '<script>alert(1)</script>',
      nextAttemptAt: null,
      now,
    });
    const cookie = sessionOf(await signIn(token));
    for (const path of ['/dashboard/events', '/dashboard/events/event_xss', '/dashboard/dead']) {
      const html = await (await fetch(url(path), { headers: { cookie } })).text();
      expect(html, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html, path).not.toContain('<script>alert');
      expect(html, path).not.toContain('<img src=x');
    }
  });
});
