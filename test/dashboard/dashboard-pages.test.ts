// What an operator sees on the signed-in pages for the inputs and states QA found wrong: through
// serve's request handler over real HTTP, on SQLite, with a clock the test moves.
import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dashboardRoutes } from '../../src/dashboard/dashboard-pages.js';
import { idsNotAPathSegment } from '../../src/dashboard/event-links.js';
import type { WireEvent } from '../../src/events/index.js';
import { applyMirrorEvent } from '../../src/mirror/apply/apply-mirror-event.js';
import { createInboxMetrics } from '../../src/metrics/inbox-metrics.js';
import { createPullMetrics } from '../../src/metrics/pull-metrics.js';
import { createReconcileMetrics } from '../../src/metrics/reconcile-metrics.js';
import type { Store } from '../../src/store/types.js';
import { appendBacklog } from '../helpers/backlog.js';
import { patienceMs } from '../helpers/patience.js';
import { backendKinds } from '../inbox/helpers/backends.js';
import { dashboardToken, serveDashboard } from './serve-dashboard.js';

/** Store one webhook event with `body` as its payload, received at `now`. */
async function receive(store: Store, id: string, now: Date, body?: string): Promise<void> {
  await store.append({
    id,
    event: 'dsync.user.created',
    createdAt: now.toISOString(),
    rawBody: Buffer.from(body ?? JSON.stringify({ id, event: 'dsync.user.created', data: {} })),
    source: 'webhook',
    receivedAt: now,
  });
}

/** One attempt at `id` that fails for good: the event is dead. */
async function kill(store: Store, id: string, now: Date): Promise<void> {
  await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now });
  await store.fail(id, 'w', { error: 'broken on purpose', nextAttemptAt: null, now });
}

/**
 * A live page's server-sent events, read as they come: `next(match)` waits (up to the suite's
 * patience) for a message whose element id and HTML satisfy `match`.
 */
async function openLive(url: string, cookie: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { cookie }, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const messages: Array<{ id: string; html: string }> = [];
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith('data: ')) messages.push(JSON.parse(block.slice(6)));
      }
    }
  })();
  const next = async (match: (m: { id: string; html: string }) => boolean) => {
    const deadline = Date.now() + patienceMs;
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no live message matched: ${JSON.stringify(messages.map((m) => m.id))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    messages,
    next,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

/** The page's text without its markup, spaces collapsed. */
const textOf = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

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

  it('says whether this serve reconciles, and how to turn it on when it does not', async () => {
    const off = await serveDashboard(cleanups);
    const offPage = textOf(
      await (
        await fetch(off.url('/dashboard/'), { headers: { cookie: (await off.signedIn()).cookie } })
      ).text(),
    );
    expect(offPage).not.toContain('not part of this build');
    expect(offPage).toContain('Not reconciling: start serve --reconcile-every 24h');

    const on = await serveDashboard(cleanups, { reconcileEveryMs: 6 * 3_600_000 });
    const onPage = textOf(
      await (
        await fetch(on.url('/dashboard/'), { headers: { cookie: (await on.signedIn()).cookie } })
      ).text(),
    );
    expect(onPage).toContain("reconciles the directory mirror with WorkOS's state every 6 h");
  });

  it("counts reconcile's failed WorkOS requests in the API errors tile, by status, with pulling off", async () => {
    const overview = async (served: Awaited<ReturnType<typeof serveDashboard>>) => {
      const res = await fetch(served.url('/dashboard/'), {
        headers: { cookie: (await served.signedIn()).cookie },
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const metrics = createInboxMetrics();
    const reconcile = createReconcileMetrics({ registry: metrics.registry });
    for (const status of [429, 500, 401]) reconcile.apiError(status);
    reconcile.apiError(undefined);
    const on = await serveDashboard(cleanups, {
      reconcileEveryMs: 3_600_000,
      metrics: metrics.registry,
    });
    const page = await overview(on);
    const tile = /<dt>API errors<\/dt>([\s\S]*?)<\/dd>/.exec(page)?.[1] ?? '';
    expect(textOf(tile)).toBe('4 reconcile: 4 (401: 1, 429: 1, 500: 1, no answer: 1)');
    expect(textOf(page)).toContain('Not pulling');

    // With the pull on too: both, each with its own.
    const pull = createPullMetrics({ registry: metrics.registry, clock: on.clock });
    pull.apiError(503);
    const both = await serveDashboard(cleanups, {
      reconcileEveryMs: 3_600_000,
      pull: true,
      metrics: metrics.registry,
    });
    const bothTile = /<dt>API errors<\/dt>([\s\S]*?)<\/dd>/.exec(await overview(both))?.[1];
    expect(textOf(bothTile ?? '')).toBe(
      '5 pull: 1 (503: 1) reconcile: 4 (401: 1, 429: 1, 500: 1, no answer: 1)',
    );

    // Neither: no tile, and why.
    const neither = await overview(await serveDashboard(cleanups, { metrics: metrics.registry }));
    expect(neither).not.toContain('<dt>API errors</dt>');
    expect(textOf(neither)).toContain(
      "Neither pulling nor reconciling: this serve sends no request to WorkOS's API.",
    );
  });

  it("says a pruned event's attempt log was pruned, not that it has no attempt yet", async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const now = new Date(clock.now());
    await receive(store, 'event_pruned', now);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now });
    expect(await store.complete('event_pruned', 'w', async () => undefined, now)).toBe(true);
    clock.advance(60_000);
    const pruned = await store.prune({
      receivedBefore: new Date(clock.now()),
      now: new Date(clock.now()),
    });
    expect(pruned.pruned).toBe(1);
    const { cookie } = await signedIn();
    const page = textOf(
      await (await fetch(url('/dashboard/events/event_pruned'), { headers: { cookie } })).text(),
    );
    expect(page).toContain('Its attempt log was pruned by retention on');
    expect(page).not.toContain('No attempt yet');
  });

  it('tells what an action did once, on the page it leads to; a URL cannot make a notice up', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const now = new Date(clock.now());
    await receive(store, 'event_dead', now);
    await kill(store, 'event_dead', now);
    const { cookie, csrf } = await signedIn();
    const get = async (path: string, extra = '') =>
      textOf(
        await (
          await fetch(url(path), {
            headers: { cookie: [cookie, extra].filter((c) => c).join('; ') },
          })
        ).text(),
      );

    // Query strings that once made the pages announce actions nobody took.
    expect(await get('/dashboard/dead?redriven=9999')).not.toContain('Queued');
    expect(await get('/dashboard/events/event_dead?replayed=1')).not.toContain('Queued again');

    const redrive = await fetch(url('/dashboard/dead/redrive'), {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, scope: 'selected', id: 'event_dead' }).toString(),
      redirect: 'manual',
    });
    expect(redrive.status).toBe(303);
    expect(redrive.headers.get('location')).toBe('/dashboard/dead');
    const notice =
      redrive.headers
        .getSetCookie()
        .find((c) => c.startsWith('wi_notice='))
        ?.split(';')[0] ?? '';
    expect(notice).not.toBe('wi_notice=');
    // Not on another page, and not in another session.
    expect(await get('/dashboard/events', notice)).not.toContain('Queued');
    const other = await signedIn();
    const elsewhere = await fetch(url('/dashboard/dead'), {
      headers: { cookie: `${other.cookie}; ${notice}` },
    });
    expect(textOf(await elsewhere.text())).not.toContain('Queued');
    // On the page it was left for, once: the answer clears it.
    const shown = await fetch(url('/dashboard/dead'), {
      headers: { cookie: `${cookie}; ${notice}` },
    });
    expect(textOf(await shown.text())).toContain('Queued 1 event again.');
    expect(shown.headers.getSetCookie().some((c) => /^wi_notice=;.*Max-Age=0/.test(c))).toBe(true);

    const replay = await fetch(url('/dashboard/events/event_dead/replay'), {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
      redirect: 'manual',
    });
    expect(replay.headers.get('location')).toBe('/dashboard/events/event_dead');
    const replayed =
      replay.headers
        .getSetCookie()
        .find((c) => c.startsWith('wi_notice='))
        ?.split(';')[0] ?? '';
    expect(await get('/dashboard/events/event_dead', replayed)).toContain(
      'Queued again: it is due now.',
    );
  });

  it('answers a method a path does not take with 405, the Allow of that route, as a page', async () => {
    const { url, signedIn } = await serveDashboard(cleanups);
    const { cookie, csrf } = await signedIn();
    const cases: Array<[string, string, string]> = [
      ['GET', '/dashboard/events/event_x/replay', 'POST'],
      ['GET', '/dashboard/dead/confirm', 'POST'],
      ['GET', '/dashboard/dead/redrive', 'POST'],
      ['GET', '/dashboard/signout', 'POST'],
      ['PUT', '/dashboard/events', 'GET, HEAD'],
      ['DELETE', '/dashboard/events/event_x', 'GET, HEAD'],
      ['POST', '/dashboard/dead', 'GET, HEAD'],
      ['PUT', '/dashboard/signin', 'GET, HEAD, POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(url(path), {
        method,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        ...(method === 'GET' ? {} : { body: new URLSearchParams({ csrf }).toString() }),
        redirect: 'manual',
      });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(res.headers.get('content-type'), `${method} ${path}`).toContain('text/html');
      expect(textOf(await res.text()), `${method} ${path}`).toContain(
        `This address does not answer ${method}; it takes ${allow}.`,
      );
    }
    // A path no route has is still not found, whatever the method.
    for (const method of ['GET', 'PUT']) {
      const res = await fetch(url('/dashboard/no/such/page/here'), { method, headers: { cookie } });
      expect(res.status, method).toBe(404);
      expect(await res.text()).toContain('No such page');
    }
    // HEAD of a page is answered like its GET, without a body.
    expect(
      (await fetch(url('/dashboard/events'), { method: 'HEAD', headers: { cookie } })).status,
    ).toBe(200);
  });

  it('shows refusals as pages with the same status and a way back, not raw JSON', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    await receive(store, 'event_x', new Date(clock.now()));
    const first = await signedIn();
    const post = (path: string, cookie: string, csrf: string) =>
      fetch(url(path), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, scope: 'all' }).toString(),
        redirect: 'manual',
      });
    const expectPage = async (res: Response, status: number, says: string[]) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('text/html');
      const page = await res.text();
      for (const text of says) expect(page).toContain(text);
    };

    // A page link that is not valid: the dead letters say so, as the events page does.
    await expectPage(
      await fetch(url('/dashboard/dead?after=garbage'), { headers: { cookie: first.cookie } }),
      400,
      ['that page link is not valid any more', 'href="/dashboard/dead"'],
    );
    // A form from an earlier sign-in, posted with the session of a later one (another tab).
    const second = await signedIn();
    await expectPage(
      await post('/dashboard/events/event_x/replay', second.cookie, first.csrf),
      403,
      [
        'This form is from an earlier sign-in',
        '<a href="/dashboard/events/event_x">Reload the page</a>',
        'csrf_invalid',
      ],
    );
    await expectPage(await post('/dashboard/dead/redrive', second.cookie, first.csrf), 403, [
      '<a href="/dashboard/dead">Reload the page</a>',
    ]);
    // A form posted after signing out.
    const out = await post('/dashboard/signout', second.cookie, second.csrf);
    expect(out.status).toBe(303);
    await expectPage(await post('/dashboard/dead/confirm', second.cookie, second.csrf), 401, [
      'Your session ended',
      '<a href="/dashboard/signin">Sign in again</a>',
      'unauthorized',
    ]);
    // Nothing was replayed or redriven.
    expect((await store.get('event_x'))?.status).toBe('pending');
    expect((await store.attempts('event_x')).length).toBe(0);
  });

  it('shows and copies the payload as received when parsing would change it, indented only when lossless', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const now = new Date(clock.now());
    const lossy =
      '{"id":"event_lossy","event":"dsync.user.created","data":{"amount":12345678901234567890,' +
      '"price":1.10,"ratio":1.0,"dup":"first","dup":"second","note":"\\u003cb\\u003e"}}';
    await receive(store, 'event_lossy', now, lossy);
    const compact = JSON.stringify({ id: 'event_plain', event: 'dsync.user.created', data: {} });
    await receive(store, 'event_plain', now, compact);
    const { cookie } = await signedIn();
    /** The text of the element with `id`, entities decoded (what the browser shows and copies). */
    const element = (page: string, id: string) => {
      const found = new RegExp(`<pre id="${id}"[^>]*>([\\s\\S]*?)</pre>`).exec(page)?.[1];
      return found
        ?.replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    };

    const lossyPage = await (
      await fetch(url('/dashboard/events/event_lossy'), { headers: { cookie } })
    ).text();
    expect(element(lossyPage, 'payload')).toBe(lossy);
    expect(lossyPage).toContain('data-copy="payload"');
    expect(lossyPage).not.toContain('12345678901234567000');
    expect(lossyPage).toContain('\\u003cb\\u003e');

    const plainPage = await (
      await fetch(url('/dashboard/events/event_plain'), { headers: { cookie } })
    ).text();
    expect(element(plainPage, 'payload')).toBe(JSON.stringify(JSON.parse(compact), null, 2));
    // Copy payload copies the bytes as received, not the indented view.
    expect(plainPage).toContain('data-copy="payload-raw"');
    expect(element(plainPage, 'payload-raw')).toBe(compact);
  });

  it('redrive all queues the dead events its confirmation counted, or nothing if they changed', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const die = async (id: string) => {
      await receive(store, id, new Date(clock.now()));
      await kill(store, id, new Date(clock.now()));
      clock.advance(1000);
    };
    for (const id of ['event_d1', 'event_d2', 'event_d3']) await die(id);
    const { cookie, csrf } = await signedIn();
    const post = (path: string, form: URLSearchParams) =>
      fetch(url(path), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'manual',
      });
    /** The confirmation's form, as the browser would post it. */
    const formOf = (page: string) =>
      new URLSearchParams(
        [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
          ([, name = '', value = '']) => [name, value],
        ),
      );

    const confirm = await (
      await post('/dashboard/dead/confirm', new URLSearchParams({ csrf, scope: 'all' }))
    ).text();
    expect(textOf(confirm)).toContain('Queue all 3 dead events again?');
    // Two more die while the confirmation is open.
    await die('event_d4');
    await die('event_d5');

    const refused = await post('/dashboard/dead/redrive', formOf(confirm));
    expect(refused.status).toBe(409);
    const again = await refused.text();
    expect(textOf(again)).toContain('The dead events changed since you confirmed');
    expect(textOf(again)).toContain('Queue all 5 dead events again?');
    expect((await store.stats(new Date(clock.now()))).byStatus.dead).toBe(5);

    const done = await post('/dashboard/dead/redrive', formOf(again));
    expect(done.status).toBe(303);
    const notice =
      done.headers
        .getSetCookie()
        .find((c) => c.startsWith('wi_notice='))
        ?.split(';')[0] ?? '';
    const page = await fetch(url('/dashboard/dead'), {
      headers: { cookie: `${cookie}; ${notice}` },
    });
    expect(textOf(await page.text())).toContain('Queued 5 events again.');
    expect((await store.stats(new Date(clock.now()))).byStatus.dead).toBe(0);
  });

  it('a selection that names an event twice counts, lists and queues it once', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const now = new Date(clock.now());
    for (const id of ['event_twice', 'event_once']) {
      await receive(store, id, now);
      await kill(store, id, now);
    }
    const { cookie, csrf } = await signedIn();
    const form = new URLSearchParams([
      ['csrf', csrf],
      ['scope', 'selected'],
      ['id', 'event_twice'],
      ['id', 'event_once'],
      ['id', 'event_twice'],
    ]);
    const post = (path: string) =>
      fetch(url(path), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'manual',
      });

    const confirm = await (await post('/dashboard/dead/confirm')).text();
    expect(textOf(confirm)).toContain('Queue 2 selected events again?');
    expect([...confirm.matchAll(/name="id" value="([^"]*)"/g)].map(([, id]) => id)).toEqual([
      'event_twice',
      'event_once',
    ]);

    const done = await post('/dashboard/dead/redrive');
    expect(done.status).toBe(303);
    const notice =
      done.headers
        .getSetCookie()
        .find((c) => c.startsWith('wi_notice='))
        ?.split(';')[0] ?? '';
    const page = textOf(
      await (
        await fetch(url('/dashboard/dead'), { headers: { cookie: `${cookie}; ${notice}` } })
      ).text(),
    );
    expect(page).toContain('Queued 2 events again.');
    expect(page).not.toContain('no longer dead');
    expect((await store.stats(new Date(clock.now()))).byStatus.dead).toBe(0);
  });

  it('the live events page updates a row that left its status filter, and says when it missed events', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const { cookie } = await signedIn();
    const at = () => new Date(clock.now());
    await receive(store, 'event_r1', at());
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: at() });
    await store.fail('event_r1', 'w', {
      error: 'try again',
      nextAttemptAt: new Date(clock.now() + 1000),
      now: at(),
    });
    const retrying = await openLive(url('/dashboard/events/stream?status=retrying'), cookie);
    cleanups.push(retrying.close);
    await retrying.next((m) => m.id === 'ev-event_r1' && m.html.includes('retrying'));
    // It dies: it leaves the filter, and its row (still on the page) says so.
    clock.advance(2000);
    await store.claim({ owner: 'w', limit: 1, leaseMs: 60_000, now: at() });
    await store.fail('event_r1', 'w', { error: 'for good', nextAttemptAt: null, now: at() });
    await retrying.next((m) => m.id === 'ev-event_r1' && m.html.includes('dead'));

    const all = await openLive(url('/dashboard/events/stream'), cookie);
    cleanups.push(all.close);
    await all.next((m) => m.id === 'ev-event_r1');
    expect(all.messages.some((m) => m.id === 'live-gap')).toBe(false);
    // 60 arrive at once, more than the page's 50: the 10 oldest are not sent, so the page says
    // it missed some (it said nothing, and its "older" link could not reach them).
    const burst = Array.from({ length: 60 }, (_, i) => ({
      id: `event_burst_${String(i).padStart(2, '0')}`,
      event: 'dsync.user.created',
      createdAt: at().toISOString(),
      rawBody: Buffer.from('{}'),
      source: 'api' as const,
      receivedAt: at(),
    }));
    await store.appendPage(burst, { name: 'burst', after: burst[59]!.id, rangeStart: null }, at());
    const gap = await all.next((m) => m.id === 'live-gap');
    expect(textOf(gap.html)).toBe(
      'More events arrived than this live view shows: reload to see every one.',
    );
  });

  it('reads a pasted filter with spaces around it; a HEAD of a live stream ends', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const { cookie } = await signedIn();
    await receive(store, 'event_spaced', new Date(clock.now()));
    const page = await fetch(
      url('/dashboard/events?event=%20dsync.user.created%20&status=pending%20'),
      {
        headers: { cookie },
      },
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('event_spaced');
    // curl -I on a stream hung: the headers came, the response never ended.
    const head = await new Promise<{ status: number; ended: boolean }>((resolve, reject) => {
      const req = request(url('/dashboard/events/stream'), { method: 'HEAD', headers: { cookie } });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ended: true }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(head).toEqual({ status: 200, ended: true });
  });

  it('shows WorkOS’s created_at in UTC like the page’s other times, whatever its form', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const { cookie } = await signedIn();
    for (const [id, createdAt] of [
      ['event_offset', '2026-12-07T09:00:00+02:00'],
      ['event_spaced_time', '2026-12-07 07:00:00.000'],
    ] as const) {
      await store.append({
        id,
        event: 'dsync.user.created',
        createdAt,
        rawBody: Buffer.from('{}'),
        source: 'webhook',
        receivedAt: new Date(clock.now()),
      });
      const page = await (
        await fetch(url(`/dashboard/events/${id}`), { headers: { cookie } })
      ).text();
      expect(textOf(page)).toContain('created (by WorkOS) 2026-12-07 07:00:00Z');
    }
  });

  it('an event page’s live section is what its stream first sends, so connecting replaces nothing', async () => {
    // A part replaced as the stream connects could swallow a key press on its replay button
    // (Space clicks on key-up); the page's script leaves equal markup alone.
    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const { cookie } = await signedIn();
    await receive(store, 'event_same', new Date(clock.now()));
    await kill(store, 'event_same', new Date(clock.now()));
    const page = await (
      await fetch(url('/dashboard/events/event_same'), { headers: { cookie } })
    ).text();
    const start = page.indexOf('<section id="event-live"');
    const section = page.slice(start, page.indexOf('</section>', start) + '</section>'.length);
    expect(start).toBeGreaterThan(0);
    const live = await openLive(url('/dashboard/events/event_same/stream'), cookie);
    cleanups.push(live.close);
    const first = await live.next((m) => m.id === 'event-live');
    expect(first.html).toBe(section);
  });

  it('links every event to its own page, whatever its id: stream, . and .. too', async () => {
    // Every literal segment after /events/ is an id its link must not use as a path.
    const literals = dashboardRoutes
      .filter((r) => r.path.startsWith('/events/'))
      .map((r) => r.path.split('/')[2])
      .filter((segment) => segment !== undefined && !segment.startsWith(':'));
    for (const segment of literals)
      expect(idsNotAPathSegment.has(segment ?? ''), segment).toBe(true);

    const { store, clock, url, signedIn } = await serveDashboard(cleanups);
    const ids = ['stream', '.', '..', 'event_plain'];
    for (const id of ids) await receive(store, id, new Date(clock.now()));
    const { cookie, csrf } = await signedIn();
    const list = await (await fetch(url('/dashboard/events'), { headers: { cookie } })).text();
    for (const id of ids) {
      const escaped = id.replace(/\./g, '\\.');
      const href = new RegExp(`<tr id="ev-${escaped}">[\\s\\S]*?<a href="([^"]+)"`).exec(list)?.[1];
      expect(href, id).toBeDefined();
      // As the browser resolves it (dot segments removed), then fetched.
      const target = new URL((href ?? '').replace(/&amp;/g, '&'), url('/dashboard/events'));
      const page = await fetch(target, { headers: { cookie } });
      expect(page.status, `${id}: ${target.pathname}${target.search}`).toBe(200);
      // A page, not a live stream (which would never end): checked before reading the body.
      expect(page.headers.get('content-type'), id).toContain('text/html');
      const text = await page.text();
      expect(text, id).toContain('<h1>Event dsync.user.created</h1>');
      expect(text, id).toContain(`<dd class="id">${id}</dd>`);
      // Its replay button posts to this event, and comes back to its page.
      const action = /<form method="post" action="([^"]+)">/.exec(
        text.slice(text.indexOf('event-live')),
      )?.[1];
      const replay = await fetch(new URL((action ?? '').replace(/&amp;/g, '&'), target), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf }).toString(),
        redirect: 'manual',
      });
      expect(replay.status, id).toBe(303);
      expect(new URL(replay.headers.get('location') ?? '', target).href, id).toBe(target.href);
    }
  });

  it('links every directory, user and group to its own page, whatever its id: users, groups, stream, . and .. too', async () => {
    const { store, url, signedIn } = await serveDashboard(cleanups, { mirror: true });
    const { cookie } = await signedIn();
    // Every literal segment of a directory route is an id to try (a route added later included).
    const literals = dashboardRoutes
      .filter((r) => r.path.startsWith('/directory/'))
      .flatMap((r) => r.path.split('/').slice(2))
      .filter((segment) => !segment.startsWith(':'));
    expect(literals).toContain('users');
    const ids = [...new Set([...literals, 'stream', '.', '..', 'plain'])];
    let n = 0;
    const apply = (event: string, data: Record<string, unknown>) =>
      store.writeTransaction((tx) =>
        applyMirrorEvent(tx, {
          id: `event_${String(++n).padStart(4, '0')}`,
          event,
          created_at: '2026-03-01T10:00:00.000Z',
          data,
        } as WireEvent),
      );
    for (const id of ids) {
      await apply('dsync.activated', { id, organization_id: 'org_1', name: `Dir ${id}` });
      const user = { id, directory_id: 'users', email: `${id}@example.com`, state: 'active' };
      const group = { id, directory_id: 'users', name: `Group ${id}` };
      await apply('dsync.user.created', user);
      await apply('dsync.group.created', group);
      await apply('dsync.group.user_added', { directory_id: 'users', user, group });
    }
    /** The page at `path`, which must be `title`'s and show `id`. */
    const open = async (target: URL, title: string, id: string) => {
      const res = await fetch(target, { headers: { cookie } });
      const where = `${title}: ${target.pathname}${target.search}`;
      expect(res.status, where).toBe(200);
      const text = await res.text();
      expect(text, where).toContain(`<h1>${title}</h1>`);
      expect(text, where).toContain(`class="id">${id}`);
      return text;
    };
    /** Follow the link labelled `label` on `text` (at `from`), as the browser resolves it. */
    const follow = (text: string, from: URL, label: string) => {
      const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const href = new RegExp(`<a href="([^"]+)">${escaped}</a`).exec(text)?.[1];
      expect(href, label).toBeDefined();
      return new URL((href ?? '').replace(/&amp;/g, '&'), from);
    };
    const index = new URL(url('/dashboard/directory'));
    const indexText = await (await fetch(index, { headers: { cookie } })).text();
    const home = await open(follow(indexText, index, 'Dir users'), 'Directory Dir users', 'users');
    const homeAt = follow(indexText, index, 'Dir users');
    for (const id of ids) {
      const dirAt = follow(indexText, index, `Dir ${id}`);
      await open(dirAt, `Directory Dir ${id}`, id);
      const userAt = follow(home, homeAt, `${id}@example.com`);
      const user = await open(userAt, `User ${id}@example.com`, id);
      const groupAt = follow(home, homeAt, `Group ${id}`);
      const group = await open(groupAt, `Group Group ${id}`, id);
      // Each links back to its directory, and to the other.
      await open(follow(user, userAt, 'users'), 'Directory Dir users', 'users');
      await open(follow(user, userAt, `Group ${id}`), `Group Group ${id}`, id);
      await open(follow(group, groupAt, `${id}@example.com`), `User ${id}@example.com`, id);
    }
  });
});

describe.each(backendKinds)('the live events page on %s', (backend) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('updates every row that left its filter at once, read in one query', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups, { backend });
    const { cookie } = await signedIn();
    const at = () => new Date(clock.now());
    const ids = ['event_left_1', 'event_left_2', 'event_left_3'];
    for (const id of ids) await receive(store, id, at());
    await store.claim({ owner: 'w', limit: ids.length, leaseMs: 60_000, now: at() });
    for (const id of ids) {
      await store.fail(id, 'w', {
        error: 'try again',
        nextAttemptAt: new Date(clock.now() + 60_000),
        now: at(),
      });
    }
    const live = await openLive(url('/dashboard/events/stream?status=retrying'), cookie);
    cleanups.push(live.close);
    for (const id of ids) {
      await live.next((m) => m.id === `ev-${id}` && m.html.includes('retrying'));
    }
    const get = vi.spyOn(store, 'get');
    const getMany = vi.spyOn(store, 'getMany');
    // One statement queues all three again: they leave the filter together.
    expect(await store.redrive({ status: 'retrying' }, at())).toBe(3);
    for (const id of ids) {
      await live.next((m) => m.id === `ev-${id}` && m.html.includes('pending'));
    }
    expect(get).not.toHaveBeenCalled();
    expect(getMany).toHaveBeenCalledTimes(1);
    expect([...getMany.mock.calls[0]![0]].sort()).toEqual(ids);
  });
});

// More dead events than one page of the count (1000): "redrive all" counts them all (ids only,
// not their payloads), notices a change on any page, and queues each counted one once.
describe.each(backendKinds)('redrive all of a dead backlog on %s', (backend) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('counts every dead event, refuses a change on a later page, queues each once', async () => {
    const { store, clock, url, signedIn } = await serveDashboard(cleanups, { backend });
    const dead = 1205;
    const now = new Date(clock.now());
    await appendBacklog(
      store,
      Array.from({ length: dead + 1 }, (_, i) => ({
        id: `event_${String(i).padStart(5, '0')}`,
        event: 'dsync.user.created',
        createdAt: now.toISOString(),
        rawBody: Buffer.from('{}'),
        source: 'webhook' as const,
        // Several per millisecond: the pages must not lose ties.
        receivedAt: new Date(now.getTime() + Math.floor(i / 3)),
      })),
    );
    const setStatus = (status: string, where: string) =>
      store.writeTransaction((tx) =>
        tx.query(
          `UPDATE workos_inbox_events SET status = '${status}', attempts = ${status === 'dead' ? 10 : 0},
             next_attempt_at = ${status === 'dead' ? 'NULL' : '$1'} WHERE ${where}`,
          status === 'dead' ? [] : [now],
        ),
      );
    const last = `event_${String(dead).padStart(5, '0')}`;
    await setStatus('dead', `id <> '${last}'`);
    const { cookie, csrf } = await signedIn();
    const post = (path: string, form: URLSearchParams) =>
      fetch(url(path), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'manual',
      });
    const formOf = (page: string) =>
      new URLSearchParams(
        [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
          ([, name = '', value = '']) => [name, value],
        ),
      );

    const confirm = await (
      await post('/dashboard/dead/confirm', new URLSearchParams({ csrf, scope: 'all' }))
    ).text();
    expect(textOf(confirm)).toContain(`Queue all ${dead} dead events again?`);
    // The same count, other events: one on the second page queued elsewhere, another died.
    await setStatus('pending', `id = 'event_01100'`);
    await setStatus('dead', `id = '${last}'`);
    const refused = await post('/dashboard/dead/redrive', formOf(confirm));
    expect(refused.status).toBe(409);
    const again = await refused.text();
    expect(textOf(again)).toContain('The dead events changed since you confirmed');
    expect(textOf(again)).toContain(`Queue all ${dead} dead events again?`);

    const done = await post('/dashboard/dead/redrive', formOf(again));
    expect(done.status).toBe(303);
    const { rows } = await store.read((db) =>
      db.query<{ status: string; attempts: number | string; n: number | string }>(
        `SELECT status, attempts, COUNT(*) AS n FROM workos_inbox_events
         GROUP BY status, attempts ORDER BY status`,
      ),
    );
    expect(rows.map((r) => [r.status, Number(r.attempts), Number(r.n)])).toEqual([
      ['pending', 0, dead + 1],
    ]);
  });
});
