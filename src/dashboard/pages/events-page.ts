import type { StoredEvent } from '../../store/types.js';
import { eventStatuses } from '../../store/types.js';
import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { eventHref } from '../event-links.js';
import { dashboardBase, statusBadge, timeTag } from '../layout.js';

/** The events page's filters, as typed in its form (and carried by its links). */
export interface EventsQuery {
  status: string;
  event: string;
  since: string;
  id: string;
}

export function eventsQueryString(query: EventsQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...extra })) {
    if (value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export const eventRowId = (id: string) => `ev-${id}`;

/** The live events page's row saying it missed events (more arrived between two looks than a page holds). */
export const liveGapId = 'live-gap';

export function liveGapRow(): SafeHtml {
  return html`<tr id="${liveGapId}">
    <td colspan="6" role="status">
      More events arrived than this live view shows: <a href="">reload</a> to see every one.
    </td>
  </tr>`;
}

/**
 * One row of the events table (the live stream sends the same markup). A `selectable` row (dead
 * letters) has a checkbox where the events page shows the status.
 */
export function eventRow(event: StoredEvent, selectable = false): SafeHtml {
  const href = eventHref(event.id);
  const firstLine = event.lastError?.split('\n')[0] ?? '';
  return html`<tr id="${eventRowId(event.id)}">
    ${
      selectable
        ? html`<td>
            <input
              type="checkbox"
              name="id"
              value="${event.id}"
              id="sel-${event.id}"
              aria-label="Select ${event.id}"
            />
          </td>`
        : ''
    }
    <td class="id"><a href="${href}">${event.id}</a></td>
    <td>${event.event}</td>
    ${selectable ? '' : html`<td>${statusBadge(event.status)}</td>`}
    <td class="num">${event.attempts}</td>
    <td>${timeTag(event.receivedAt)}</td>
    <td class="error-cell">${firstLine}</td>
  </tr>`;
}

/** The events table of the events page and (`selectable`, see `eventRow`) the dead letters. */
export function eventsTable(options: {
  caption: string;
  events: readonly StoredEvent[];
  selectable?: boolean;
  /** The body's attributes: the events page's live rows are found by them. */
  bodyAttributes?: SafeHtml;
}): SafeHtml {
  const selectable = options.selectable ?? false;
  return html`<div class="table-wrap">
    <table class="events">
      <caption>
        ${options.caption}
      </caption>
      <thead>
        <tr>
          ${selectable ? html`<th scope="col"><span class="visually-hidden">Select</span></th>` : ''}
          <th scope="col">Id</th>
          <th scope="col">Event</th>
          ${selectable ? '' : html`<th scope="col">Status</th>`}
          <th scope="col">Attempts</th>
          <th scope="col">Received (UTC)</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody ${options.bodyAttributes ?? ''}>
        ${options.events.map((e) => eventRow(e, selectable))}
      </tbody>
    </table>
  </div>`;
}

/** The link to the next (older) page, or `none` on the last one. */
export function olderPager(href: string | null, label: string, none: SafeHtml): SafeHtml {
  return html`<nav aria-label="Pages" class="pager">
    ${href ? html`<a href="${href}" rel="next">${label}</a>` : none}
  </nav>`;
}

export interface EventsPageData {
  query: EventsQuery;
  events: readonly StoredEvent[];
  nextCursor: string | null;
  /** The page shows the newest events: new ones are streamed in. */
  live: boolean;
  /** A filter the server refused, with the reason. */
  error?: string | undefined;
  /** The id searched for was not found. */
  notFoundId?: string | undefined;
}

/** Newest first, filters, search by id, keyset pagination and (on the first page) live rows. */
export function eventsBody(data: EventsPageData): SafeHtml {
  const { query } = data;
  const stream = `${dashboardBase}/events/stream${eventsQueryString({ ...query, id: '' })}`;
  return html`<form method="get" action="${dashboardBase}/events" class="filters" role="search">
      <div>
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          <option value="">any</option>
          ${eventStatuses.map(
            (s) =>
              html`<option value="${s}" ${query.status === s ? html` selected` : ''}>${s}</option>`,
          )}
        </select>
      </div>
      <div>
        <label for="f-event">Event name</label>
        <input id="f-event" name="event" value="${query.event}" placeholder="dsync.user.created" />
      </div>
      <div>
        <label for="f-since">Received since</label>
        <input
          id="f-since"
          name="since"
          value="${query.since}"
          placeholder="1h or 2024-05-01T12:00:00Z"
        />
      </div>
      <div>
        <label for="f-id">Event id</label>
        <input id="f-id" name="id" value="${query.id}" placeholder="event_01…" />
      </div>
      <div><button type="submit">Apply</button> <a href="${dashboardBase}/events">Clear</a></div>
    </form>
    ${data.error ? html`<p class="error" role="alert">${data.error}</p>` : ''}
    ${data.notFoundId !== undefined ? html`<p class="error" role="alert">No event with id ${data.notFoundId}.</p>` : ''}
    ${eventsTable({
      caption: data.live ? 'Newest first; new events appear as they arrive' : 'Older events',
      events: data.events,
      bodyAttributes: html`id="event-rows" ${data.live ? html` data-live="${stream}"` : ''}`,
    })}
    ${data.events.length === 0 ? html`<p class="muted" id="no-events">No events match.</p>` : ''}
    ${olderPager(
      data.nextCursor
        ? `${dashboardBase}/events${eventsQueryString(query, { after: data.nextCursor })}`
        : null,
      'Older events →',
      html`<span class="muted">No older events.</span>`,
    )}`;
}
