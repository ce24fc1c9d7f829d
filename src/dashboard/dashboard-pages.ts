import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { FilterError, parseEventFilter } from '../server/event-filter.js';
import { InvalidCursorError } from '../store/list-cursor.js';
import type { EventFilter, ListPage, Store } from '../store/types.js';
import * as dir from './directory-queries.js';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import { redirect, sendHtml } from './http-helpers.js';
import { dashboardBase, page } from './layout.js';
import { streamLive } from './live-stream.js';
import type { MetricsHistory } from './metrics-history.js';
import { deadBody, redriveConfirmBody } from './pages/dead-page.js';
import {
  directoryBody,
  directoryIndexBody,
  groupBody,
  userBody,
  userName,
} from './pages/directory-page.js';
import { eventBody, eventLiveSection } from './pages/event-page.js';
import { eventRow, eventRowId, eventsBody } from './pages/events-page.js';
import type { EventsQuery } from './pages/events-page.js';
import { overviewBody } from './pages/overview-page.js';

/** A signed-in request, with its CSRF token (checked already for a POST) and parsed form. */
export interface PageContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path below /dashboard, e.g. `/events/abc`. */
  sub: string;
  method: string;
  form: URLSearchParams | undefined;
  csrf: string;
}

/** Rows per page on the events and dead-letter pages. */
export const eventsPageSize = 50;

/** The signed-in pages. `handle` answers true when the path was one of them. */
export function dashboardPages(deps: {
  store: Store;
  clock: Clock;
  history: MetricsHistory;
  logger: Logger;
}) {
  const { store, clock } = deps;
  const openStreams = new Set<() => void>();
  const now = () => new Date(clock.now());

  const show = (
    c: PageContext,
    title: string,
    current: string | undefined,
    body: SafeHtml,
    status = 200,
  ) =>
    sendHtml(c.res, status, page({ title, csrf: c.csrf, body, ...(current ? { current } : {}) }));

  const listPage = async (filter: EventFilter, after: string | null): Promise<ListPage> =>
    store
      .list({ ...filter, limit: eventsPageSize, order: 'desc', ...(after ? { after } : {}) })
      .catch((error: unknown) => {
        if (error instanceof InvalidCursorError)
          throw new FilterError('that page link is not valid any more', 'after');
        throw error;
      });

  const eventsQuery = (url: URL): EventsQuery => ({
    status: url.searchParams.get('status') ?? '',
    event: url.searchParams.get('event') ?? '',
    since: url.searchParams.get('since') ?? '',
    id: (url.searchParams.get('id') ?? '').trim(),
  });

  const overview = async (c: PageContext) => {
    const [stats, metrics, pull] = await Promise.all([
      store.stats(now(), { estimateDone: true }),
      deps.history.summary(),
      deps.history.pull(),
    ]);
    show(c, 'Overview', 'overview', overviewBody({ stats, metrics, pull }));
  };

  const events = async (c: PageContext) => {
    const query = eventsQuery(c.url);
    if (query.id !== '') {
      if (await store.get(query.id))
        return redirect(c.res, `${dashboardBase}/events/${encodeURIComponent(query.id)}`);
    }
    const after = c.url.searchParams.get('after');
    let error: string | undefined;
    let result: ListPage = { events: [], nextCursor: null };
    try {
      result = await listPage(parseEventFilter(query, now()), after);
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      error = e.message;
    }
    const body = eventsBody({
      query,
      events: result.events,
      nextCursor: result.nextCursor,
      live: !after && !error,
      error,
      notFoundId: query.id === '' ? undefined : query.id,
    });
    show(c, 'Events', 'events', body, error ? 400 : 200);
  };

  const eventsStream = (c: PageContext) => {
    const filter = parseEventFilter(eventsQuery(c.url), now());
    streamLive(c.req, c.res, {
      store,
      logger: deps.logger,
      open: openStreams,
      snapshot: async () => {
        const { events: rows } = await listPage(filter, null);
        return rows.map((e) => [eventRowId(e.id), eventRow(e).text] as [string, string]);
      },
    });
  };

  const oneEvent = async (c: PageContext, id: string) => {
    const event = await store.get(id);
    if (!event)
      return show(
        c,
        'Event not found',
        'events',
        html`<p>No event with id <span class="id">${id}</span>.</p>`,
        404,
      );
    const notice = c.url.searchParams.get('replayed') ? 'Queued again: it is due now.' : undefined;
    show(
      c,
      `Event ${event.event}`,
      'events',
      eventBody({ event, attempts: await store.attempts(id), csrf: c.csrf, notice }),
    );
  };

  const oneEventStream = (c: PageContext, id: string) => {
    const stream = `${dashboardBase}/events/${encodeURIComponent(id)}/stream`;
    streamLive(c.req, c.res, {
      store,
      logger: deps.logger,
      open: openStreams,
      snapshot: async () => {
        const event = await store.get(id);
        if (!event) return [];
        return [
          ['event-live', eventLiveSection(event, await store.attempts(id), c.csrf, stream).text],
        ];
      },
    });
  };

  const replay = async (c: PageContext, id: string) => {
    const back = `${dashboardBase}/events/${encodeURIComponent(id)}`;
    if (await store.replay(id, now())) return redirect(c.res, `${back}?replayed=1`);
    const event = await store.get(id);
    if (!event)
      return show(
        c,
        'Event not found',
        'events',
        html`<p>No event with id <span class="id">${id}</span>.</p>`,
        404,
      );
    const why = event.prunedAt
      ? 'it was pruned by retention; its payload is gone'
      : 'it is being processed right now; try again once the attempt ends';
    show(
      c,
      'Not replayed',
      'events',
      html`<p class="error" role="alert">
          Event <span class="id">${id}</span> was not replayed: ${why}.
        </p>
        <p><a href="${back}">Back to the event</a></p>`,
      409,
    );
  };

  const dead = async (c: PageContext) => {
    const after = c.url.searchParams.get('after');
    const [list, stats] = await Promise.all([
      listPage({ status: 'dead' }, after),
      store.stats(now(), { estimateDone: true }),
    ]);
    const redriven = c.url.searchParams.get('redriven');
    show(
      c,
      'Dead letters',
      'dead letters',
      deadBody({
        events: list.events,
        nextCursor: list.nextCursor,
        deadCount: stats.byStatus.dead,
        csrf: c.csrf,
        notice:
          redriven !== null
            ? `Queued ${redriven} event${redriven === '1' ? '' : 's'} again.`
            : undefined,
      }),
    );
  };

  const redriveScope = (form: URLSearchParams) => ({
    scope: form.get('scope') === 'all' ? ('all' as const) : ('selected' as const),
    ids: form.getAll('id').filter((id) => id !== ''),
  });

  const confirmRedrive = async (c: PageContext) => {
    const { scope, ids } = redriveScope(c.form ?? new URLSearchParams());
    if (scope === 'selected' && ids.length === 0) {
      return show(
        c,
        'Redrive',
        'dead letters',
        html`<p class="error" role="alert">Select at least one event, or redrive all.</p>
          <p><a href="${dashboardBase}/dead">Back</a></p>`,
        400,
      );
    }
    const count =
      scope === 'all'
        ? (await store.stats(now(), { estimateDone: true })).byStatus.dead
        : ids.length;
    show(
      c,
      'Confirm redrive',
      'dead letters',
      redriveConfirmBody({ scope, ids, count, csrf: c.csrf }),
    );
  };

  const redrive = async (c: PageContext) => {
    const { scope, ids } = redriveScope(c.form ?? new URLSearchParams());
    let count = 0;
    if (scope === 'all') {
      count = await store.redrive({ status: 'dead' }, now());
    } else {
      for (const id of ids) {
        const event = await store.get(id);
        // Only dead ones: a stale selection must not re-run events that have since succeeded.
        if (event?.status === 'dead' && (await store.replay(id, now()))) count += 1;
      }
    }
    deps.logger.info({ count, scope }, 'dashboard redrive');
    redirect(c.res, `${dashboardBase}/dead?redriven=${count}`);
  };

  const directory = async (c: PageContext, parts: string[]) => {
    if (parts.length === 0) {
      const term = (c.url.searchParams.get('q') ?? '').trim();
      const [directories, results] = await store.read(
        async (db) =>
          [
            await dir.listDirectoryRows(db),
            term === '' ? undefined : await dir.searchDirectory(db, term),
          ] as const,
      );
      return show(c, 'Directory', 'directory', directoryIndexBody({ directories, term, results }));
    }
    const [kind, id] = parts.length === 2 ? parts : [undefined, parts[0]];
    const missing = () =>
      show(
        c,
        'Not found',
        'directory',
        html`<p>Not in the mirror: <span class="id">${id}</span>.</p>`,
        404,
      );
    if (id === undefined) return missing();
    if (kind === 'users') {
      const found = await store.read(async (db) => ({
        user: await dir.getUserRow(db, id),
        groups: await dir.groupsOfUser(db, id),
      }));
      if (!found.user) return missing();
      return show(
        c,
        `User ${found.user.email ?? userName(found.user)}`,
        'directory',
        userBody(found.user, found.groups),
      );
    }
    if (kind === 'groups') {
      const found = await store.read(async (db) => ({
        group: await dir.getGroupRow(db, id),
        users: await dir.usersOfGroup(db, id),
      }));
      if (!found.group) return missing();
      return show(
        c,
        `Group ${found.group.name ?? id}`,
        'directory',
        groupBody(found.group, found.users),
      );
    }
    if (kind !== undefined) return missing();
    const found = await store.read(async (db) => ({
      directory: await dir.getDirectoryRow(db, id),
      users: await dir.directoryUsers(db, id),
      groups: await dir.directoryGroups(db, id),
    }));
    if (!found.directory) return missing();
    return show(
      c,
      `Directory ${found.directory.name ?? id}`,
      'directory',
      directoryBody({ ...found, directory: found.directory }),
    );
  };

  const decode = (segment: string): string | undefined => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  };

  return {
    /** End every open live stream (shutdown: browsers reconnect to whichever process is up). */
    endStreams: () => {
      for (const end of [...openStreams]) end();
    },
    notFound: () => html`<p>No such page. <a href="${dashboardBase}/">Overview</a></p>`,
    async handle(c: PageContext): Promise<boolean> {
      const raw = c.sub.split('/').filter((p) => p !== '');
      const parts = raw.map(decode);
      if (parts.some((p) => p === undefined)) return false;
      const [first, second, third] = parts as string[];
      const get = c.method === 'GET' || c.method === 'HEAD';
      const post = c.method === 'POST';
      if (parts.length === 0 && get) return (await overview(c), true);
      if (first === 'events') {
        if (parts.length === 1 && get) return (await events(c), true);
        if (parts.length === 2 && second === 'stream' && get) {
          try {
            eventsStream(c);
          } catch (e) {
            if (!(e instanceof FilterError)) throw e;
            show(c, 'Events', 'events', html`<p class="error">${e.message}</p>`, 400);
          }
          return true;
        }
        if (parts.length === 2 && second !== undefined && get)
          return (await oneEvent(c, second), true);
        if (parts.length === 3 && second !== undefined && third === 'stream' && get)
          return (oneEventStream(c, second), true);
        if (parts.length === 3 && second !== undefined && third === 'replay' && post)
          return (await replay(c, second), true);
        return false;
      }
      if (first === 'dead') {
        if (parts.length === 1 && get) return (await dead(c), true);
        if (parts.length === 2 && second === 'confirm' && post)
          return (await confirmRedrive(c), true);
        if (parts.length === 2 && second === 'redrive' && post) return (await redrive(c), true);
        return false;
      }
      if (first === 'directory' && get && parts.length <= 3) {
        await directory(c, parts.slice(1) as string[]);
        return true;
      }
      return false;
    },
  };
}
