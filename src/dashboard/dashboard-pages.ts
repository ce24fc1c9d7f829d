import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { FilterError, parseEventFilter } from '../server/event-filter.js';
import { listEventKeys } from '../store/event-queries.js';
import type { EventKey } from '../store/event-queries.js';
import { InvalidCursorError } from '../store/list-cursor.js';
import type { EventFilter, ListPage, Store } from '../store/types.js';
import * as dir from './directory-queries.js';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import { redirect, sendHtml } from './http-helpers.js';
import { dashboardBase, page } from './layout.js';
import { eventHref } from './event-links.js';
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
import { eventRow, eventRowId, eventsBody, liveGapId, liveGapRow } from './pages/events-page.js';
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
  /** What an action did, told once on the page it redirects to (see `noticeCookie`). */
  notices: {
    /** The notice left for this page, if any. */
    shown: string | undefined;
    /** The `Set-Cookie` that clears it once shown. */
    clear: string | undefined;
    /** The `Set-Cookie` that leaves `text` for the page at `location` (a dashboard path). */
    leave(location: string, text: string): string;
  };
}

/**
 * Every path the signed-in dashboard answers below /dashboard, first match first: a `:` segment
 * matches any one (decoded) segment. `page`s answer with HTML; `stream`s with server-sent events;
 * `action`s change something and redirect. The browser tests visit every `page`.
 */
export const dashboardRoutes = [
  { name: 'overview', kind: 'page', method: 'GET', path: '/' },
  { name: 'events', kind: 'page', method: 'GET', path: '/events' },
  { name: 'events-stream', kind: 'stream', method: 'GET', path: '/events/stream' },
  { name: 'event', kind: 'page', method: 'GET', path: '/events/:id' },
  { name: 'event-stream', kind: 'stream', method: 'GET', path: '/events/:id/stream' },
  { name: 'replay', kind: 'action', method: 'POST', path: '/events/:id/replay' },
  // The same three for an id that cannot be a path segment (`.`, `..`, `stream`): `?id=` instead.
  { name: 'event-by-query', kind: 'page', method: 'GET', path: '/event' },
  { name: 'event-stream-by-query', kind: 'stream', method: 'GET', path: '/event/stream' },
  { name: 'replay-by-query', kind: 'action', method: 'POST', path: '/event/replay' },
  { name: 'dead', kind: 'page', method: 'GET', path: '/dead' },
  { name: 'redrive-confirm', kind: 'page', method: 'POST', path: '/dead/confirm' },
  { name: 'redrive', kind: 'action', method: 'POST', path: '/dead/redrive' },
  // With `?directory=`, `?user=` or `?group=`, that one's page: for an id that cannot be a path
  // segment (`.`, `..`), as `directoryHref` links it.
  { name: 'directory', kind: 'page', method: 'GET', path: '/directory' },
  { name: 'directory-one', kind: 'page', method: 'GET', path: '/directory/:id' },
  { name: 'directory-user', kind: 'page', method: 'GET', path: '/directory/users/:id' },
  { name: 'directory-group', kind: 'page', method: 'GET', path: '/directory/groups/:id' },
  { name: 'directory-missing', kind: 'page', method: 'GET', path: '/directory/:kind/:id' },
] as const;
export type DashboardRoute = (typeof dashboardRoutes)[number];

/** Whether `route`'s path matches `parts` (decoded segments); its `:` values when it does. */
function matchPath(route: DashboardRoute, parts: readonly string[]): string[] | undefined {
  const pattern = route.path.split('/').filter((p) => p !== '');
  if (pattern.length !== parts.length) return undefined;
  const param = (segment: string) => segment.startsWith(':');
  if (!pattern.every((segment, i) => param(segment) || segment === parts[i])) return undefined;
  return parts.filter((_, i) => param(pattern[i] ?? ''));
}

/** The route whose path matches `parts` (decoded segments) for `method`, with its `:` values. */
function matchRoute(
  method: string,
  parts: readonly string[],
): { route: DashboardRoute; params: string[] } | undefined {
  const asMethod = method === 'HEAD' ? 'GET' : method;
  for (const route of dashboardRoutes) {
    if (route.method !== asMethod) continue;
    const params = matchPath(route, parts);
    if (params) return { route, params };
  }
  return undefined;
}

/** A path below /dashboard as decoded segments; undefined when a segment is not valid UTF-8. */
function pathParts(sub: string): string[] | undefined {
  const parts: string[] = [];
  for (const segment of sub.split('/').filter((p) => p !== '')) {
    try {
      parts.push(decodeURIComponent(segment));
    } catch {
      return undefined;
    }
  }
  return parts;
}

/**
 * The methods some route answers at `sub` (a path below /dashboard), for a 405's `Allow`: a
 * `GET` route answers `HEAD` too. Empty when no route has that path.
 */
export function methodsAt(sub: string): string[] {
  const parts = pathParts(sub);
  if (!parts) return [];
  const methods = new Set<string>();
  for (const route of dashboardRoutes) {
    if (!matchPath(route, parts)) continue;
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
  }
  return [...methods];
}

/** Rows per page on the events and dead-letter pages. */
export const eventsPageSize = 50;

/** The signed-in pages. `handle` answers true when the path was one of them. */
export function dashboardPages(deps: {
  store: Store;
  clock: Clock;
  history: MetricsHistory;
  logger: Logger;
  reconcileEveryMs: number | undefined;
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
    sendHtml(
      c.res,
      status,
      page({ title, csrf: c.csrf, body, ...(current ? { current } : {}) }),
      c.notices.clear ? { 'set-cookie': c.notices.clear } : {},
    );

  /** After an action: to `location`, where `notice` says what it did (once). */
  const redirectWithNotice = (c: PageContext, location: string, notice: string) =>
    redirect(c.res, location, { 'set-cookie': c.notices.leave(location, notice) });

  const eventNotFound = (c: PageContext, id: string) =>
    show(
      c,
      'Event not found',
      'events',
      html`<p>No event with id <span class="id">${id}</span>.</p>`,
      404,
    );

  const listPage = async (filter: EventFilter, after: string | null): Promise<ListPage> =>
    store
      .list({ ...filter, limit: eventsPageSize, order: 'desc', ...(after ? { after } : {}) })
      .catch((error: unknown) => {
        if (error instanceof InvalidCursorError)
          throw new FilterError('that page link is not valid any more', 'after');
        throw error;
      });

  const eventsQuery = (url: URL): EventsQuery => ({
    // Trimmed, as a pasted value often carries a space: " dsync.user.created" matched nothing.
    status: (url.searchParams.get('status') ?? '').trim(),
    event: (url.searchParams.get('event') ?? '').trim(),
    since: (url.searchParams.get('since') ?? '').trim(),
    id: (url.searchParams.get('id') ?? '').trim(),
  });

  const overview = async (c: PageContext) => {
    const [stats, metrics, pull, apiErrors] = await Promise.all([
      store.stats(now(), { estimateDone: true }),
      deps.history.summary(),
      deps.history.pull(),
      deps.history.apiErrors(),
    ]);
    show(
      c,
      'Overview',
      'overview',
      overviewBody({ stats, metrics, pull, apiErrors, reconcileEveryMs: deps.reconcileEveryMs }),
    );
  };

  const events = async (c: PageContext) => {
    const query = eventsQuery(c.url);
    if (query.id !== '') {
      if (await store.get(query.id)) return redirect(c.res, eventHref(query.id));
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
    /** The ids of the last look's first page. */
    let previous = new Set<string>();
    let gap = false;
    streamLive(c.req, c.res, {
      store,
      logger: deps.logger,
      open: openStreams,
      snapshot: async () => {
        const { events: rows } = await listPage(filter, null);
        const current = new Set(rows.map((e) => e.id));
        const entries = rows.map((e) => [eventRowId(e.id), eventRow(e).text] as [string, string]);
        // A row that left the first page since the last look (its status left the filter, or
        // newer rows pushed it down) is sent once more as it is now: it kept the status it had
        // when it left (a "retrying" row that had died stayed "retrying"). All of them in one read
        // (at most a page's rows; a read per row was a round trip each), sent in the page's order.
        const departed = [...previous].filter((id) => !current.has(id));
        const read = departed.length > 0 ? await store.getMany(departed) : [];
        const asNow = new Map(read.map((e) => [e.id, e]));
        for (const id of departed) {
          const event = asNow.get(id);
          if (event) entries.push([eventRowId(id), eventRow(event).text]);
        }
        // A full first page sharing no row with the last one: more arrived between two looks
        // than a page holds, and the ones between are not on the page. Said at the top (it said
        // nothing, and its "older" link could not reach them).
        const overlaps = [...previous].some((id) => current.has(id));
        if (previous.size > 0 && rows.length >= eventsPageSize && !overlaps) gap = true;
        previous = current;
        if (gap) entries.unshift([liveGapId, liveGapRow().text]);
        return entries;
      },
    });
  };

  const oneEvent = async (c: PageContext, id: string) => {
    const event = await store.get(id);
    if (!event) return eventNotFound(c, id);
    show(
      c,
      `Event ${event.event}`,
      'events',
      eventBody({
        event,
        attempts: await store.attempts(id),
        csrf: c.csrf,
        notice: c.notices.shown,
      }),
    );
  };

  const oneEventStream = (c: PageContext, id: string) => {
    const stream = eventHref(id, 'stream');
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
    const back = eventHref(id);
    if (await store.replay(id, now())) {
      return redirectWithNotice(c, back, 'Queued again: it is due now.');
    }
    const event = await store.get(id);
    if (!event) return eventNotFound(c, id);
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
    let list: ListPage;
    try {
      list = await listPage({ status: 'dead' }, after);
    } catch (e) {
      // A page link from an older version or a typo: say so, as the events page does.
      if (!(e instanceof FilterError)) throw e;
      return show(
        c,
        'Dead letters',
        'dead letters',
        html`<p class="error" role="alert">${e.message}.</p>
          <p><a href="${dashboardBase}/dead">The newest dead letters</a></p>`,
        400,
      );
    }
    const stats = await store.stats(now(), { estimateDone: true });
    show(
      c,
      'Dead letters',
      'dead letters',
      deadBody({
        events: list.events,
        nextCursor: list.nextCursor,
        deadCount: stats.byStatus.dead,
        csrf: c.csrf,
        notice: c.notices.shown,
      }),
    );
  };

  const redriveScope = (form: URLSearchParams) => ({
    scope: form.get('scope') === 'all' ? ('all' as const) : ('selected' as const),
    // Each id once: a form that repeats one (a resubmitted or hand-made one) was counted, listed
    // and replayed once per copy ("2 selected", then "1 of the 2 selected was no longer dead").
    ids: [...new Set(form.getAll('id').filter((id) => id !== ''))],
  });

  /**
   * Every dead event's id, oldest first: what "redrive all" counts, then queues. Ids only: pages
   * of whole events carried every payload into memory to count tens of thousands of ids.
   */
  const deadIds = async (): Promise<string[]> => {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page: { keys: EventKey[]; nextCursor: string | null } = await store.read((db) =>
        listEventKeys(db, {
          status: 'dead',
          limit: 1000,
          order: 'asc',
          ...(after ? { after } : {}),
        }),
      );
      ids.push(...page.keys.map((e) => e.id));
      after = page.nextCursor;
    } while (after);
    return ids;
  };
  /** Which dead events a "redrive all" confirmation counted, carried by its form. */
  const fingerprint = (ids: readonly string[]) =>
    createHash('sha256').update(ids.join('\n')).digest('base64url');

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
    if (scope === 'selected') {
      return show(
        c,
        'Confirm redrive',
        'dead letters',
        redriveConfirmBody({ scope, ids, count: ids.length, csrf: c.csrf }),
      );
    }
    const dead = await deadIds();
    show(
      c,
      'Confirm redrive',
      'dead letters',
      redriveConfirmBody({
        scope,
        ids: [],
        count: dead.length,
        confirmed: fingerprint(dead),
        csrf: c.csrf,
      }),
    );
  };

  const redrive = async (c: PageContext) => {
    const form = c.form ?? new URLSearchParams();
    const selected = redriveScope(form);
    const { scope } = selected;
    let ids = selected.ids;
    if (scope === 'all') {
      // Exactly the dead events the confirmation counted: if any died (or left) since, nothing is
      // queued and the confirmation is shown again with the new count.
      ids = await deadIds();
      const confirmed = fingerprint(ids);
      if (confirmed !== form.get('confirmed')) {
        return show(
          c,
          'Confirm redrive',
          'dead letters',
          redriveConfirmBody({
            scope,
            ids: [],
            count: ids.length,
            confirmed,
            csrf: c.csrf,
            changed: true,
          }),
          409,
        );
      }
    }
    let count = 0;
    if (scope === 'all') {
      // The set is the one confirmed (checked just now): one statement queues it, as the CLI's
      // redrive does. A replay per id cost a transaction (and on SQLite an fsync) each: minutes
      // for the tens of thousands of dead events an outage leaves. Only an event that dies in
      // the moment between the check and this statement can join, and the notice counts it.
      count = await store.redrive({ status: 'dead' }, now());
    } else {
      for (const id of ids) {
        const event = await store.get(id);
        // Only dead ones: a stale selection must not re-run events that have since succeeded.
        if (event?.status === 'dead' && (await store.replay(id, now()))) count += 1;
      }
    }
    deps.logger.info({ count, scope }, 'dashboard redrive');
    const skipped = ids.length - count;
    redirectWithNotice(
      c,
      `${dashboardBase}/dead`,
      `Queued ${count} event${count === 1 ? '' : 's'} again.` +
        (skipped > 0
          ? ` ${skipped} of the ${ids.length} ${scope === 'all' ? 'confirmed' : 'selected'} ${skipped === 1 ? 'was' : 'were'} no longer dead.`
          : '') +
        (skipped < 0 ? ` ${-skipped} of them died after the confirmation.` : ''),
    );
  };

  const directoryIndex = async (c: PageContext) => {
    // A directory, user or group whose id cannot be a path segment (`directoryHref`).
    const query = c.url.searchParams;
    if (query.has('directory')) return oneDirectory(c, query.get('directory') ?? '');
    if (query.has('user')) return directoryUser(c, query.get('user') ?? '');
    if (query.has('group')) return directoryGroup(c, query.get('group') ?? '');
    const term = (query.get('q') ?? '').trim();
    const [directories, results] = await store.read(
      async (db) =>
        [
          await dir.listDirectoryRows(db),
          term === '' ? undefined : await dir.searchDirectory(db, term),
        ] as const,
    );
    show(c, 'Directory', 'directory', directoryIndexBody({ directories, term, results }));
  };

  const notInMirror = (c: PageContext, id: string) =>
    show(
      c,
      'Not found',
      'directory',
      html`<p>Not in the mirror: <span class="id">${id}</span>.</p>`,
      404,
    );

  const directoryUser = async (c: PageContext, id: string) => {
    const found = await store.read(async (db) => ({
      user: await dir.getUserRow(db, id),
      groups: await dir.groupsOfUser(db, id),
    }));
    if (!found.user) return notInMirror(c, id);
    show(
      c,
      `User ${found.user.email ?? userName(found.user)}`,
      'directory',
      userBody(found.user, found.groups),
    );
  };

  const directoryGroup = async (c: PageContext, id: string) => {
    const found = await store.read(async (db) => ({
      group: await dir.getGroupRow(db, id),
      users: await dir.usersOfGroup(db, id),
    }));
    if (!found.group) return notInMirror(c, id);
    show(c, `Group ${found.group.name ?? id}`, 'directory', groupBody(found.group, found.users));
  };

  const oneDirectory = async (c: PageContext, id: string) => {
    const found = await store.read(async (db) => ({
      directory: await dir.getDirectoryRow(db, id),
      users: await dir.directoryUsers(db, id),
      groups: await dir.directoryGroups(db, id),
    }));
    if (!found.directory) return notInMirror(c, id);
    show(
      c,
      `Directory ${found.directory.name ?? id}`,
      'directory',
      directoryBody({ ...found, directory: found.directory }),
    );
  };

  const eventsStreamOrError = (c: PageContext) => {
    try {
      eventsStream(c);
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      show(c, 'Events', 'events', html`<p class="error">${e.message}</p>`, 400);
    }
  };

  /** What each route does, given its `:` values (the compiler checks that every route has one). */
  const handlers: Record<
    DashboardRoute['name'],
    (c: PageContext, params: string[]) => Promise<void> | void
  > = {
    overview,
    events,
    'events-stream': eventsStreamOrError,
    event: (c, [id = '']) => oneEvent(c, id),
    'event-stream': (c, [id = '']) => oneEventStream(c, id),
    replay: (c, [id = '']) => replay(c, id),
    'event-by-query': (c) => oneEvent(c, c.url.searchParams.get('id') ?? ''),
    'event-stream-by-query': (c) => oneEventStream(c, c.url.searchParams.get('id') ?? ''),
    'replay-by-query': (c) => replay(c, c.url.searchParams.get('id') ?? ''),
    dead,
    'redrive-confirm': confirmRedrive,
    redrive,
    directory: directoryIndex,
    'directory-one': (c, [id = '']) => oneDirectory(c, id),
    'directory-user': (c, [id = '']) => directoryUser(c, id),
    'directory-group': (c, [id = '']) => directoryGroup(c, id),
    'directory-missing': (c, [, id = '']) => notInMirror(c, id),
  };

  return {
    /** End every open live stream (shutdown: browsers reconnect to whichever process is up). */
    endStreams: () => {
      for (const end of [...openStreams]) end();
    },
    notFound: () => html`<p>No such page. <a href="${dashboardBase}/">Overview</a></p>`,
    async handle(c: PageContext): Promise<boolean> {
      const parts = pathParts(c.sub);
      if (!parts) return false;
      const found = matchRoute(c.method, parts);
      if (!found) return false;
      await handlers[found.route.name](c, found.params);
      return true;
    },
  };
}
